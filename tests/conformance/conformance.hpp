// Conformance tests are named after h2spec 2.6's case IDs (../shared/reference/h2spec-cases.txt):
// h2spec ID `http2/5.1.1/2` is the test `H2spec_http2_5_1_1.Case2_...`. Each drives a server
// engine through the scripted peer, as h2spec drives a server over a socket; built with
// LIBH2_CONFORMANCE_OVER_SOCKET (h2_conformance_socket_tests) the same tests drive h2serve
// over h2c or TLS (tests/interop/interop.py, cases conformance_h2c and conformance_tls), and
// what only the engine can show (its events, stream states) is checked in memory only.
#pragma once

#include "script.hpp"

namespace h2::test {

class Conformance : public testing::Test {
protected:
    explicit Conformance(bool handshake = true) : do_handshake_(handshake) {}
    void SetUp() override {
        if (do_handshake_) s.handshake();
    }

    static Config config() { return Config{}; }

    // RFC 9113 §5.4.1: GOAWAY with `code`, and the connection is done.
    void expect_connection_error(const std::string& code) {
        const auto f = s.frames();
        EXPECT_EQ(goaway_code(f), code) << testing::PrintToString(f);
        EXPECT_TRUE(s.closed());
    }
    // RFC 9113 §5.4.2: RST_STREAM with `code` on the stream (a connection error is accepted
    // by h2spec too, but libh2 should keep the connection: this checks that it does).
    void expect_stream_error(StreamId id, const std::string& code) {
        const auto f = s.frames();
        EXPECT_NE(find_frame(f, "RST_STREAM s=" + std::to_string(id) + " " + code), "") << testing::PrintToString(f);
        EXPECT_FALSE(s.closed());
        EXPECT_TRUE(s.alive());
    }
    // h2spec's VerifyStreamError: RST_STREAM or GOAWAY with `code`.
    void expect_stream_or_connection_error(StreamId id, const std::string& code) {
        const auto f = s.frames();
        EXPECT_TRUE(find_frame(f, "RST_STREAM s=" + std::to_string(id) + " " + code) != "" || goaway_code(f) == code)
            << testing::PrintToString(f);
    }
    // The request on `id` got a response and the connection is fine (a HEAD response ends
    // with its HEADERS).
    void expect_response(StreamId id) {
        const auto f = s.frames();
        const std::string head = "HEADERS s=" + std::to_string(id);
        EXPECT_TRUE(find_frame(f, head + " es=0 :status=200") != "" || find_frame(f, head + " es=1 :status=200") != "")
            << testing::PrintToString(f);
        EXPECT_FALSE(s.closed());
    }
    // RFC 9113 §6.8: a GOAWAY from the client is accepted; the server keeps answering PING,
    // or (h2spec accepts this too) closes the connection since no stream is left.
    void expect_accepted_goaway() {
        if (s.engine_visible()) {
            EXPECT_EQ(s.events_of<GoawayReceived>().size(), 1u);
            EXPECT_TRUE(s.alive());
            return;
        }
        const bool alive = s.alive();
        EXPECT_TRUE(alive || s.closed());
    }

    Script s{Connection::server(config())};

private:
    bool do_handshake_;
};

class ConformanceNoHandshake : public Conformance {
protected:
    ConformanceNoHandshake() : Conformance(false) {}
};

}  // namespace h2::test
