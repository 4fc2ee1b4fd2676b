// The engine's output contract (a batch stays unchanged until consumed) and external payloads
// (DATA whose octets the caller writes: sendfile, cached buffers), framed by the scheduler.
#include <gtest/gtest.h>

#include "script.hpp"

namespace h2::test {
namespace {

const hpack::HeaderField kOk[] = {{":status", "200"}};

std::vector<StreamId> data_order(const std::vector<std::string>& frames) {
    std::vector<StreamId> order;
    for (const auto& f : frames) {
        if (f.rfind("DATA", 0) == 0) order.push_back(static_cast<StreamId>(std::stoul(f.substr(7))));
    }
    return order;
}

TEST(OutputBatch, StaysUnchangedWhileSubmissionsAndInputContinue) {
    Script s{Connection::server()};
    s.handshake();
    s.auto_respond = false;
    s.send_headers(1);
    s.conn.submit_response(1, kOk, false);
    s.conn.submit_data(1, std::vector<std::uint8_t>(30000, 'x'), false);
    const auto batch = s.conn.pending_output();
    ASSERT_FALSE(batch.empty());
    const std::vector<std::uint8_t> copy(batch.begin(), batch.end());
    const std::uint8_t* where = batch.data();
    // While the batch is "being written": responses with large heads, a reset, input.
    const std::string large(20000, 'h');
    for (StreamId id : {3u, 5u, 7u}) {
        s.send_headers(id);
        const hpack::HeaderField big[] = {{":status", "200"}, {"x-large", large}};
        s.conn.submit_response(id, big, true);
    }
    s.send_ping();
    s.conn.reset_stream(1, ErrorCode::cancel);
    const auto again = s.conn.pending_output();
    EXPECT_EQ(again.data(), where);
    ASSERT_EQ(again.size(), copy.size());
    EXPECT_TRUE(std::equal(again.begin(), again.end(), copy.begin()));
    // Partly consumed, the rest is the same octets.
    s.conn.consume_output(100);
    const auto rest = s.conn.pending_output();
    EXPECT_EQ(rest.data(), where + 100);
    s.conn.consume_output(rest.size());
    // The next batch has what was submitted meanwhile, in order.
    const auto next = s.frames();
    EXPECT_NE(find_frame(next, "HEADERS s=3 es=1 :status=200 x-large=hhhh"), "");
    EXPECT_NE(find_frame(next, "HEADERS s=7 es=1 :status=200 x-large=hhhh"), "");
    EXPECT_NE(find_frame(next, "PING ack=1"), "");
    EXPECT_NE(find_frame(next, "RST_STREAM s=1 CANCEL"), "");
}

TEST(OutputBatch, BufferedOutputCountsBothBuffers) {
    Script s{Connection::server()};
    s.handshake();
    s.auto_respond = false;
    s.send_headers(1);
    s.conn.submit_response(1, kOk, false);
    const std::size_t head = s.conn.pending_output().size();
    EXPECT_EQ(s.conn.buffered_output(), head);
    s.send_ping();
    EXPECT_EQ(s.conn.buffered_output(), head + 17);  // the batch and the PING ACK behind it
}

TEST(ExternalData, FramesTheCallersPayloadWithinTheWindowsAndEndsTheStream) {
    Script s{Connection::server()};
    s.handshake({{4, 20000}});
    s.auto_respond = false;
    s.send_headers(1);
    s.conn.submit_response(1, kOk, false);
    ASSERT_EQ(s.conn.submit_external_data(1, 30000, true), SubmitError::none);
    const auto batch = s.conn.pending_batch();
    ASSERT_EQ(batch.external.size(), 2u);  // 16384 (frame size) + 3616 (stream window)
    EXPECT_EQ(batch.external[0].length, 16384u);
    EXPECT_EQ(batch.external[1].length, 20000u - 16384u);
    EXPECT_EQ(batch.external[0].stream, 1u);
    // Each payload follows its 9-octet DATA header.
    const frame::FrameHeader h = frame::parse_header(batch.octets.data() + batch.external[0].offset - 9);
    EXPECT_EQ(h.type, 0);
    EXPECT_EQ(h.length, 16384u);
    auto f = s.frames();
    EXPECT_NE(find_frame(f, "DATA s=1 es=0 fcl=16384 'bbbb"), "");
    EXPECT_EQ(s.conn.stream_send_window(1), 0);
    s.send_window_update(1, 20000);
    f = s.frames();
    ASSERT_EQ(data_order(f).size(), 1u);
    EXPECT_NE(find_frame(f, "DATA s=1 es=1 fcl=10000"), "");
    s.conn.poll_events(s.events);
    EXPECT_EQ(s.events_of<StreamClosed>().size(), 1u);
}

TEST(ExternalData, GoesThroughTheSchedulerInUrgencyOrderWithMemoryBodies) {
    Config c;
    c.limits.max_buffered_data_per_stream = 1 << 20;
    Script s{Connection::server(c)};
    s.handshake();
    s.send_window_update(0, 1 << 20);
    s.auto_respond = false;
    s.send_headers(1, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"priority", "u=5"}});
    s.send_headers(3, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"priority", "u=1, i"}});
    s.send_headers(5, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"priority", "u=1, i"}});
    for (StreamId id : {1u, 3u, 5u}) s.conn.submit_response(id, kOk, false);
    s.conn.submit_external_data(1, 40000, true);  // a file on the least urgent stream
    s.conn.submit_external_data(3, 40000, true);
    s.conn.submit_data(5, std::vector<std::uint8_t>(40000, 'd'), true);
    const auto order = data_order(s.frames());
    ASSERT_GE(order.size(), 4u);
    EXPECT_EQ(order[0], 3u);
    EXPECT_EQ(order[1], 5u);
    EXPECT_EQ(order[2], 3u);
    EXPECT_EQ(order.back(), 1u);
}

TEST(ExternalData, MemoryDataGoesFirstAndTrailersFollowTheExternalBody) {
    Script s{Connection::server()};
    s.handshake();
    s.auto_respond = false;
    s.send_headers(1);
    s.conn.submit_response(1, kOk, false);
    s.conn.submit_data(1, bytes("head:"), false);
    ASSERT_EQ(s.conn.submit_external_data(1, 10, false), SubmitError::none);
    // Memory data after an external body would be framed before it: refused.
    EXPECT_EQ(s.conn.submit_data(1, bytes("x"), false).value, 0u);
    const hpack::HeaderField trailers[] = {{"x-sum", "15"}};
    ASSERT_EQ(s.conn.submit_trailers(1, trailers), SubmitError::none);
    const auto f = s.frames();
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(f[1], "DATA s=1 es=0 fcl=5 'head:'");
    EXPECT_EQ(f[2], "DATA s=1 es=0 fcl=10 'bbbbbbbbbb'");
    EXPECT_NE(f[3].find("HEADERS s=1 es=1"), std::string::npos);
    EXPECT_NE(f[3].find("x-sum=15"), std::string::npos);
}

TEST(DataReservation, IsRefusedWhileOutputIsPending) {
    Script s{Connection::server()};
    s.handshake();
    s.auto_respond = false;
    s.send_headers(1);
    s.conn.submit_response(1, kOk, false);
    const auto r = s.conn.reserve_data(1, 100, true);
    EXPECT_EQ(r.value.length, 0u);
    EXPECT_EQ(r.error, SubmitError::output_pending);
    s.frames();
    const auto again = s.conn.reserve_data(1, 100, true);
    EXPECT_EQ(again.value.length, 100u);
    EXPECT_EQ(again.error, SubmitError::none);
}

}  // namespace
}  // namespace h2::test
