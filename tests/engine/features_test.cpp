// Outbound stream buffering, zero-copy reservations, server push, the frame codec, h2c
// upgrade, RFC 9218 ordering.
#include <gtest/gtest.h>

#include "h2/codec/frame_codec.hpp"
#include "loopback.hpp"
#include "script.hpp"

namespace h2::test {
namespace {

Config buffering() {
    Config c;
    c.buffer_outbound_streams = true;
    return c;
}

TEST(StreamBuffering, RequestsBeyondTheLimitWaitAndStartWhenAStreamCloses) {
    Script s{Connection::client(buffering())};
    s.client_handshake({{3, 1}});  // the server allows one stream
    const auto req = views(get_request());
    const StreamId a = s.conn.submit_request(req, true).value;
    const auto r = s.conn.submit_request(req, true);
    EXPECT_EQ(r.error, SubmitError::none);
    const StreamId b = r.value;
    EXPECT_EQ(b, 3u);
    auto f = s.frames();
    EXPECT_NE(find_frame(f, "HEADERS s=1"), "");
    EXPECT_EQ(find_frame(f, "HEADERS s=3"), "");  // held back
    s.send_headers(a, {{":status", "204"}}, true);
    f = s.frames();
    EXPECT_NE(find_frame(f, "HEADERS s=3 es=1 :method=GET"), "");
}

TEST(StreamBuffering, ARaisedLimitStartsBufferedRequestsWithTheirData) {
    Script s{Connection::client(buffering())};
    s.client_handshake({{3, 0}});
    const FieldList post = post_request();
    const auto req = views(post);
    const StreamId id = s.conn.submit_request(req, false).value;
    EXPECT_EQ(s.conn.submit_data(id, bytes("queued body"), true).value, 11u);
    EXPECT_EQ(find_frame(s.frames(), "HEADERS"), "");
    s.send_settings({{3, 10}});
    const auto f = s.frames();
    EXPECT_NE(find_frame(f, "HEADERS s=1 es=0 :method=POST"), "");
    EXPECT_NE(find_frame(f, "DATA s=1 es=1 fcl=11 'queued body'"), "");
}

TEST(StreamBuffering, GoawayFailsBufferedRequestsWithADistinctReason) {
    Script s{Connection::client(buffering())};
    s.client_handshake({{3, 1}});
    const auto req = views(get_request());
    s.conn.submit_request(req, true);
    const StreamId b = s.conn.submit_request(req, true).value;
    s.frames();
    frame::Buffer g;
    frame::write_goaway(g, 1, ErrorCode::no_error, {});
    s.send(g);
    // Reported once, as never sent (stream 1 was within the GOAWAY's last id).
    const auto failed = s.events_of<StreamNotProcessed>();
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].stream, b);
    EXPECT_EQ(failed[0].reason, NotProcessedReason::goaway_before_sent);
}

TEST(StreamBuffering, ConnectionErrorFailsBufferedRequests) {
    Script s{Connection::client(buffering())};
    s.client_handshake({{3, 1}});
    const auto req = views(get_request());
    s.conn.submit_request(req, true);
    const StreamId b = s.conn.submit_request(req, true).value;
    s.send_raw(6, 0, 0, Bytes(3, 0));  // bad PING: connection error
    s.conn.poll_events(s.events);
    const auto failed = s.events_of<StreamNotProcessed>();
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].stream, b);
    EXPECT_EQ(failed[0].reason, NotProcessedReason::closed_before_sent);
}

TEST(StreamBuffering, WithoutBufferingTheLimitIsAnError) {
    Script s{Connection::client()};
    s.client_handshake({{3, 0}});
    const auto req = views(get_request());
    const auto r = s.conn.submit_request(req, true);
    EXPECT_EQ(r.value, 0u);
    EXPECT_EQ(r.error, SubmitError::too_many_streams);
}

TEST(DataReservation, FramesFileBytesInsideTheWindowsWithoutCopying) {
    Script s{Connection::server()};
    s.handshake({{4, 20000}});
    s.auto_respond = false;
    s.send_headers(1);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    s.conn.submit_response(1, resp, false);
    s.frames();  // nothing pending: reservations may start
    const auto r1 = s.conn.reserve_data(1, 50000, true).value;
    EXPECT_EQ(r1.length, 16384u);  // max frame size
    const auto r2 = s.conn.reserve_data(1, 50000 - 16384, true).value;
    EXPECT_EQ(r2.length, 20000u - 16384u);  // the stream window
    const auto r3 = s.conn.reserve_data(1, 100, true).value;
    EXPECT_EQ(r3.length, 0u);
    // The caller writes header + its own bytes; check the header is a DATA frame header.
    const frame::FrameHeader h = frame::parse_header(r1.header.data());
    EXPECT_EQ(h.type, 0);
    EXPECT_EQ(h.length, 16384u);
    EXPECT_EQ(h.stream_id, 1u);
    EXPECT_FALSE(h.has(frame::flags::end_stream));
    s.send_window_update(1, 1000);
    const auto w = s.events_of<StreamWritable>();
    ASSERT_EQ(w.size(), 1u);
    const auto last = s.conn.reserve_data(1, 100, true).value;
    EXPECT_EQ(last.length, 100u);
    EXPECT_TRUE(frame::parse_header(last.header.data()).has(frame::flags::end_stream));
    s.conn.poll_events(s.events);
    EXPECT_EQ(s.events_of<StreamClosed>().size(), 1u);
}

TEST(ServerPush, PromisedStreamCarriesAResponse) {
    Loopback l;
    const auto req = views(get_request());
    const StreamId id = l.client.submit_request(req, true).value;
    l.pump();
    const FieldList promised_fields{
        {":method", "GET"}, {":scheme", "http"}, {":path", "/app.js"}, {":authority", "localhost"}};
    const auto promised_req = views(promised_fields);
    const auto promised = l.server.submit_push_promise(id, promised_req);
    ASSERT_EQ(promised.error, SubmitError::none);
    const StreamId p = promised.value;
    EXPECT_EQ(p, 2u);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    ASSERT_EQ(l.server.submit_response(p, resp, false), SubmitError::none);
    l.server.submit_data(p, bytes("js"), true);
    l.server.submit_response(id, resp, true);
    l.pump();
    ASSERT_EQ(of<PushPromiseReceived>(l.client_events).size(), 1u);
    EXPECT_EQ(l.client_log.bodies[2], "js");
    EXPECT_EQ(l.client.open_streams(), 0u);
    EXPECT_EQ(l.server.open_streams(), 0u);
}

// §5.1 reserved (local): the client may send only RST_STREAM, PRIORITY, WINDOW_UPDATE.
TEST(ServerPush, HeadersOrDataFromTheClientOnAPromisedStreamAreConnectionErrors) {
    for (bool data : {false, true}) {
        Script s{Connection::server()};
        s.handshake();
        s.auto_respond = false;
        s.send_headers(1);
        const auto& req = get_request();
        const auto fields = views(req);
        const StreamId p = s.conn.submit_push_promise(1, fields).value;
        ASSERT_EQ(p, 2u);
        s.frames();
        s.send_window_update(2, 100);  // allowed
        EXPECT_FALSE(s.conn.is_closed());
        if (data) s.send_data(2, "x", false);
        else s.send_headers(2, {{"x", "y"}}, false);
        EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR") << (data ? "DATA" : "HEADERS");
    }
}

TEST(ServerPush, RefusedWhenTheClientDisabledIt) {
    Config c;
    c.settings.enable_push = false;
    Loopback l(c);
    const auto req = views(get_request());
    const StreamId id = l.client.submit_request(req, true).value;
    l.pump();
    const auto r = l.server.submit_push_promise(id, req);
    EXPECT_EQ(r.value, 0u);
    EXPECT_EQ(r.error, SubmitError::push_disabled);
}

TEST(FrameCodec, NewStreamGetsItsIdWhenItsHeadersGoOut) {
    Loopback l;
    codec::FrameCodec client(l.client);
    codec::FrameStream a = client.new_stream(), b = client.new_stream();
    EXPECT_EQ(a.id, 0u);
    const auto req = views(get_request());
    ASSERT_EQ(client.write_headers(b, req, true), SubmitError::none);
    ASSERT_EQ(client.write_headers(a, req, true), SubmitError::none);
    EXPECT_EQ(b.id, 1u);
    EXPECT_EQ(a.id, 3u);
    l.pump();
    codec::FrameCodec server(l.server);
    codec::FrameStream sa{a.id};
    const hpack::HeaderField resp[] = {{":status", "200"}};
    ASSERT_EQ(server.write_headers(sa, resp, false), SubmitError::none);
    EXPECT_EQ(server.write_data(sa, bytes("x"), false).value, 1u);
    const hpack::HeaderField trailers[] = {{"x-t", "1"}};
    ASSERT_EQ(server.write_headers(sa, trailers, true), SubmitError::none);  // trailers
    l.pump();
    ASSERT_EQ(l.client_log.headers.size(), 2u);
    EXPECT_EQ(l.client_log.headers[1].kind, HeadersKind::trailers);
}

TEST(FrameCodec, WindowUpdateFrameReturnsCredit) {
    Config manual;
    manual.auto_release = false;
    manual.connection_window = 65535;
    Loopback l(manual);
    codec::FrameCodec client(l.client);
    codec::FrameStream st = client.new_stream();
    const auto req = views(get_request());
    client.write_headers(st, req, true);
    l.pump();
    const hpack::HeaderField resp[] = {{":status", "200"}};
    l.server.submit_response(st.id, resp, false);
    std::vector<std::uint8_t> body(200000, 'b');
    std::size_t taken = l.server.submit_data(st.id, body, true).value;
    l.pump();
    EXPECT_EQ(l.client_log.body_size(st.id), 65535u);  // held at the window
    client.write_window_update(st, 65535);             // consumed: give the credit back
    taken += l.server.submit_data(st.id, {body.data() + taken, body.size() - taken}, true).value;
    l.pump();
    EXPECT_GT(l.client_log.body_size(st.id), 65535u);
    client.write_window_update(codec::FrameStream{0}, 1 << 20);  // grow the connection window
    l.pump();
    EXPECT_EQ(of<WindowUpdateReceived>(l.server_events).back().increment, 1u << 20);
}

TEST(Upgrade, ServerStartsWithTheUpgradeRequestAsStreamOne) {
    const Bytes settings{0, 3, 0, 0, 0, 50};  // HTTP2-Settings: max concurrent streams 50
    const auto req = views(get_request());
    auto conn = Connection::server_upgrade(Config{}, settings, req);
    ASSERT_TRUE(conn.has_value());
    Script s{std::move(*conn)};
    EXPECT_EQ(s.conn.peer_settings().max_concurrent_streams, 50u);
    EXPECT_EQ(s.conn.stream_state(1), stream::State::half_closed_remote);
    s.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    s.send_settings();
    ASSERT_EQ(s.log.headers.size(), 1u);
    EXPECT_EQ(s.log.headers[0].stream, 1u);
    EXPECT_EQ(s.log.headers[0].get(":path"), "/");
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=0 :status=200"), "");
}

TEST(Upgrade, InvalidHttp2SettingsIsRefused) {
    const auto req = views(get_request());
    EXPECT_FALSE(Connection::server_upgrade(Config{}, Bytes{0, 2, 0, 0, 0, 2}, req).has_value());
    EXPECT_FALSE(Connection::server_upgrade(Config{}, Bytes{0, 2, 0}, req).has_value());
}

TEST(Upgrade, ClientReadsTheResponseOnStreamOne) {
    Script s{Connection::client_upgrade(Config{})};
    s.client_handshake();
    s.send_headers(1, {{":status", "200"}}, false);
    s.send_data(1, "upgraded", true);
    EXPECT_EQ(s.log.bodies[1], "upgraded");
    const auto req = views(get_request());
    EXPECT_EQ(s.conn.submit_request(req, true).value, 3u);
}

TEST(Priorities, LowerUrgencyIsSentFirstAndIncrementalStreamsInterleave) {
    Config c;
    c.limits.max_buffered_data_per_stream = 1 << 20;
    Script s{Connection::server(c)};
    s.handshake();
    s.send_window_update(0, 1 << 20);  // room for all three bodies
    s.auto_respond = false;
    s.send_headers(1, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"priority", "u=5"}});
    s.send_headers(3, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"priority", "u=1, i"}});
    s.send_headers(5, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"priority", "u=1, i"}});
    const hpack::HeaderField resp[] = {{":status", "200"}};
    for (StreamId id : {1u, 3u, 5u}) {
        s.conn.submit_response(id, resp, false);
        s.conn.submit_data(id, std::vector<std::uint8_t>(40000, 'd'), true);
    }
    std::vector<StreamId> order;
    for (const auto& f : s.frames()) {
        if (f.rfind("DATA", 0) == 0) order.push_back(static_cast<StreamId>(std::stoul(f.substr(7))));
    }
    ASSERT_GE(order.size(), 4u);
    EXPECT_EQ(order[0], 3u);  // urgency 1, incremental: 3 and 5 take turns
    EXPECT_EQ(order[1], 5u);
    EXPECT_EQ(order[2], 3u);
    EXPECT_EQ(order.back(), 1u);  // urgency 5 last
}

TEST(Priorities, PriorityUpdateBeforeTheRequestApplies) {
    Script s{Connection::server()};
    s.handshake();
    s.auto_respond = false;
    frame::Buffer b;
    frame::write_priority_update(b, 3, "u=0");
    s.send(b);
    s.send_headers(1);
    s.send_headers(3);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    for (StreamId id : {1u, 3u}) {
        s.conn.submit_response(id, resp, false);
        s.conn.submit_data(id, std::vector<std::uint8_t>(20000, 'd'), true);
    }
    const auto f = s.frames();
    const auto first_data =
        std::find_if(f.begin(), f.end(), [](const std::string& x) { return x.rfind("DATA", 0) == 0; });
    ASSERT_NE(first_data, f.end());
    EXPECT_EQ(first_data->substr(0, 8), "DATA s=3");
}

}  // namespace
}  // namespace h2::test
