// Conformance tests are named after h2spec 2.6's case IDs (../shared/reference/h2spec-cases.txt):
// h2spec ID `http2/5.1.1/2` is the test `H2spec_http2_5_1_1.Case2_...`. Each drives a server
// engine through the scripted peer, as h2spec drives a server over a socket.
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
        EXPECT_TRUE(s.conn.is_closed());
    }
    // RFC 9113 §5.4.2: RST_STREAM with `code` on the stream (a connection error is accepted
    // by h2spec too, but libh2 should keep the connection: this checks that it does).
    void expect_stream_error(StreamId id, const std::string& code) {
        const auto f = s.frames();
        EXPECT_NE(find_frame(f, "RST_STREAM s=" + std::to_string(id) + " " + code), "")
            << testing::PrintToString(f);
        EXPECT_FALSE(s.conn.is_closed());
        EXPECT_TRUE(s.alive());
    }
    // The request on `id` got a response and the connection is fine.
    void expect_response(StreamId id) {
        const auto f = s.frames();
        EXPECT_NE(find_frame(f, "HEADERS s=" + std::to_string(id) + " es=0 :status=200"), "")
            << testing::PrintToString(f);
        EXPECT_FALSE(s.conn.is_closed());
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
