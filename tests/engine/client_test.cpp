// The client role against a scripted server: what the client accepts and refuses.
#include <gtest/gtest.h>

#include "script.hpp"

namespace h2::test {
namespace {

class Client : public testing::Test {
protected:
    void SetUp() override { s.client_handshake(); }
    StreamId get() {
        const auto req = views(get_request());
        const StreamId id = s.conn.submit_request(req, true).value;
        s.frames();
        return id;
    }
    Script s{Connection::client()};
};

TEST_F(Client, ReceivesAResponseWithABody) {
    const StreamId id = get();
    s.send_headers(id, {{":status", "200"}, {"content-length", "5"}}, false);
    s.send_data(id, "hello", true);
    ASSERT_EQ(s.log.headers.size(), 1u);
    EXPECT_EQ(s.log.headers[0].kind, HeadersKind::response);
    EXPECT_EQ(s.log.bodies[id], "hello");
    EXPECT_EQ(s.conn.open_streams(), 0u);
}

TEST_F(Client, MalformedResponsesAreStreamErrors) {
    const std::vector<FieldList> bad = {
        {{"content-type", "x"}},                        // no :status
        {{":status", "20"}},                            // not 3 digits
        {{":status", "200"}, {":status", "200"}},       // twice
        {{":status", "200"}, {":path", "/"}},           // request pseudo-header
        {{":status", "200"}, {"Upper", "1"}},           // uppercase name
        {{":status", "101"}},                           // 101 is not used in HTTP/2
        {{":status", "200"}, {"connection", "close"}},  // connection-specific
    };
    // One connection per case: a server that keeps sending malformed responses is cut off
    // by the overhead counter (each reset we are provoked into costs 50).
    for (const auto& fields : bad) {
        Script c{Connection::client()};
        c.client_handshake();
        const auto req = views(get_request());
        const StreamId id = c.conn.submit_request(req, true).value;
        c.frames();
        c.send_headers(id, fields, false);
        EXPECT_NE(find_frame(c.frames(), "RST_STREAM s=" + std::to_string(id) + " PROTOCOL_ERROR"), "")
            << testing::PrintToString(fields);
        EXPECT_TRUE(c.log.headers.empty());
    }
}

TEST_F(Client, ResponseContentLengthMustMatchItsData) {
    const StreamId id = get();
    s.send_headers(id, {{":status", "200"}, {"content-length", "10"}}, false);
    s.send_data(id, "short", true);
    EXPECT_NE(find_frame(s.frames(), "RST_STREAM s=" + std::to_string(id) + " PROTOCOL_ERROR"), "");
}

TEST_F(Client, ResponseToHeadMayAnnounceALengthWithoutABody) {
    FieldList head = get_request();
    head[0].second = "HEAD";
    const auto req = views(head);
    const StreamId id = s.conn.submit_request(req, true).value;
    s.frames();
    s.send_headers(id, {{":status", "200"}, {"content-length", "1000"}}, true);
    EXPECT_EQ(s.log.headers.size(), 1u);
    EXPECT_EQ(find_frame(s.frames(), "RST_STREAM"), "");
}

TEST_F(Client, HeadersOnAStreamTheClientNeverOpenedIsAConnectionError) {
    s.send_headers(2, {{":status", "200"}});
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(Client, EnablePushFromAServerIsAProtocolError) {
    s.send_settings({{2, 1}});
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(Client, PriorityUpdateFromAServerIsAProtocolError) {
    frame::Buffer b;
    frame::write_priority_update(b, 1, "u=1");
    s.send(b);
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(Client, AcceptsAPushPromiseAndItsResponse) {
    const StreamId id = get();
    Bytes payload{0, 0, 0, 2};
    const Bytes block =
        s.block({{":method", "GET"}, {":scheme", "http"}, {":path", "/style.css"}, {":authority", "localhost"}});
    payload.insert(payload.end(), block.begin(), block.end());
    s.send_raw(5, frame::flags::end_headers, id, payload);
    const auto pushes = s.events_of<PushPromiseReceived>();
    ASSERT_EQ(pushes.size(), 1u);
    EXPECT_EQ(pushes[0].promised_stream, 2u);
    EXPECT_EQ(s.conn.stream_state(2), stream::State::reserved_remote);
    s.send_headers(2, {{":status", "200"}}, false);
    s.send_data(2, "body{}", true);
    EXPECT_EQ(s.log.bodies[2], "body{}");
}

TEST_F(Client, RefusesAPushByResettingThePromisedStream) {
    const StreamId id = get();
    Bytes payload{0, 0, 0, 2};
    const Bytes block =
        s.block({{":method", "GET"}, {":scheme", "http"}, {":path", "/x"}, {":authority", "localhost"}});
    payload.insert(payload.end(), block.begin(), block.end());
    s.send_raw(5, frame::flags::end_headers, id, payload);
    ASSERT_EQ(s.conn.reset_stream(2, ErrorCode::cancel), SubmitError::none);
    EXPECT_NE(find_frame(s.frames(), "RST_STREAM s=2 CANCEL"), "");
    s.send_headers(2, {{":status", "200"}}, true);  // in flight: ignored
    EXPECT_TRUE(s.alive());
}

// §5.1 reserved (remote): only HEADERS, RST_STREAM and PRIORITY may arrive.
class ClientPushed : public Client {
protected:
    void SetUp() override {
        Client::SetUp();
        const StreamId id = get();
        Bytes payload{0, 0, 0, 2};
        const Bytes block =
            s.block({{":method", "GET"}, {":scheme", "http"}, {":path", "/p"}, {":authority", "localhost"}});
        payload.insert(payload.end(), block.begin(), block.end());
        s.send_raw(5, frame::flags::end_headers, id, payload);
        ASSERT_EQ(s.conn.stream_state(2), stream::State::reserved_remote);
    }
};

TEST_F(ClientPushed, DataOnTheReservedStreamIsAConnectionError) {
    s.send_data(2, "early", false);
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(ClientPushed, WindowUpdateOnTheReservedStreamIsAConnectionError) {
    s.send_window_update(2, 100);
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(ClientPushed, PriorityOnTheReservedStreamIsAllowed) {
    s.send_priority(2, {0, false, 15});
    EXPECT_TRUE(s.alive());
}

TEST(ClientNoPush, PushPromiseWhenPushIsDisabledIsAProtocolError) {
    Config c;
    c.settings.enable_push = false;
    Script s{Connection::client(c)};
    s.client_handshake();
    const auto req = views(get_request());
    const StreamId id = s.conn.submit_request(req, true).value;
    s.frames();
    Bytes payload{0, 0, 0, 2};
    const Bytes block = s.block(get_request());
    payload.insert(payload.end(), block.begin(), block.end());
    s.send_raw(5, frame::flags::end_headers, id, payload);
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(Client, GoawayWithAnErrorIsReportedAsAConnectionError) {
    get();
    frame::Buffer b;
    frame::write_goaway(b, 0, ErrorCode::enhance_your_calm, h2::test::bytes("calm down"));
    s.send(b);
    const auto errors = s.events_of<ConnectionError>();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].initiator, Initiator::remote);
    EXPECT_EQ(s.events_of<StreamNotProcessed>().size(), 1u);
}

TEST_F(Client, AServerRefusingManyOfOurStreamsIsNotTakenForAResetFlood) {
    const auto req = views(get_request());
    std::vector<StreamId> ids;
    for (int i = 0; i < 60; ++i) ids.push_back(s.conn.submit_request(req, true).value);
    s.frames();
    for (StreamId id : ids) s.send_rst(id, ErrorCode::refused_stream);
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(s.events_of<StreamReset>().size(), ids.size());
}

}  // namespace
}  // namespace h2::test
