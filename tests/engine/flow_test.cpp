// Flow control: window arithmetic, batched WINDOW_UPDATE, and no credit ever leaked.
#include <gtest/gtest.h>

#include "h2/flow/window.hpp"
#include "script.hpp"

namespace h2::test {
namespace {

TEST(SendWindow, OverflowAbove2To31Minus1IsRefusedAndLeavesTheWindow) {
    flow::SendWindow w(65535);
    EXPECT_TRUE(w.increase(0x7fffffff - 65535));
    EXPECT_EQ(w.value(), 0x7fffffff);
    EXPECT_FALSE(w.increase(1));
    EXPECT_EQ(w.value(), 0x7fffffff);
}

TEST(SendWindow, InitialWindowDeltaMayMakeItNegative) {
    flow::SendWindow w(100);
    w.consume(100);
    EXPECT_TRUE(w.apply_initial_window_delta(-50));
    EXPECT_EQ(w.value(), -50);
    EXPECT_EQ(w.available(), 0);
    EXPECT_TRUE(w.increase(51));
    EXPECT_EQ(w.available(), 1);
}

TEST(ReceiveWindow, BatchesUpdateUntilHalfConsumed) {
    flow::ReceiveWindow w(65535);
    ASSERT_TRUE(w.receive(30000));
    w.release(30000);
    EXPECT_EQ(w.take_update(), 0u);  // below half
    ASSERT_TRUE(w.receive(3000));
    w.release(3000);
    EXPECT_EQ(w.take_update(), 33000u);
    EXPECT_EQ(w.available(), 65535);
}

TEST(ReceiveWindow, MoreDataThanTheWindowIsRefused) {
    flow::ReceiveWindow w(10);
    EXPECT_FALSE(w.receive(11));
    EXPECT_TRUE(w.receive(10));
    EXPECT_FALSE(w.receive(1));
}

// Sum of the WINDOW_UPDATE increments the connection wrote for `stream`.
std::uint64_t credit_sent(const std::vector<std::string>& frames, StreamId stream) {
    std::uint64_t sum = 0;
    const std::string prefix = "WINDOW_UPDATE s=" + std::to_string(stream) + " +";
    for (const auto& f : frames) {
        if (f.rfind(prefix, 0) == 0) sum += std::stoull(f.substr(prefix.size()));
    }
    return sum;
}

// Manual credit, the default 64 KiB connection window, and no overhead counter: these tests
// isolate the credit accounting from the abuse rules (tiny or erroneous frames trip those).
Config manual_small_window() {
    Config c;
    c.auto_release = false;
    c.connection_window = 65535;
    c.limits.overhead = {0, 0, 0, 0, 0, 0, 0};
    return c;
}

TEST(CreditLeak, DataHeldByTheApplicationComesBackWhenTheStreamIsReset) {
    Script s{Connection::server(manual_small_window())};
    s.handshake();
    s.send_headers(1, post_request(), false);
    s.send_data(1, std::string(40000, 'x'), false);
    EXPECT_EQ(credit_sent(s.frames(), 0), 0u);  // held: nothing released
    s.send_rst(1, ErrorCode::cancel);
    EXPECT_EQ(credit_sent(s.frames(), 0), 40000u);
}

TEST(CreditLeak, PaddingIsCreditedAtOnceEvenWhenTheApplicationHoldsTheData) {
    Script s{Connection::server(manual_small_window())};
    s.handshake();
    s.send_headers(1, post_request(), false);
    for (int k = 0; k < 200; ++k) s.send_data(1, "ab", false, 200);  // 203 octets each
    const auto f = s.frames();
    // 200 x 201 octets of padding came back (batched), the 400 data octets did not.
    EXPECT_GT(credit_sent(f, 0), 32767u);
    EXPECT_LE(credit_sent(f, 0), 200u * 201u);
    EXPECT_FALSE(s.conn.is_closed());
}

TEST(CreditLeak, DataOnAClosedStreamIsCreditedToTheConnection) {
    Script s{Connection::server(manual_small_window())};
    s.handshake();
    s.send_headers(1, post_request(), false);
    s.send_rst(1, ErrorCode::cancel);
    for (int k = 0; k < 4; ++k) s.send_data(1, std::string(10000, 'x'), false);  // STREAM_CLOSED each
    const auto f = s.frames();
    EXPECT_EQ(credit_sent(f, 0), 40000u);
}

TEST(CreditLeak, DataAfterOurResetIsIgnoredButCredited) {
    Script s{Connection::server(manual_small_window())};
    s.handshake();
    s.send_headers(1, post_request(), false);
    ASSERT_EQ(s.conn.reset_stream(1, ErrorCode::cancel), SubmitError::none);
    s.frames();
    for (int k = 0; k < 7; ++k) s.send_data(1, std::string(10000, 'x'), false);  // in flight
    const auto f = s.frames();
    EXPECT_EQ(find_frame(f, "RST_STREAM"), "");  // ignored, not answered
    // But credited: all of it is sent back, less what waits for the next batch (< half).
    EXPECT_GT(credit_sent(f, 0), 70000u - 32767u);
}

TEST(CreditLeak, ConnectionWindowNeverRunsDryOverManyStreams) {
    // 1000 uploads of 1 KiB each against a 64 KiB connection window: only possible if every
    // octet's credit comes back.
    Script s{Connection::server(Config{})};
    s.handshake();
    for (StreamId id = 1; id < 2000; id += 2) {
        s.send_headers(id, post_request("1024"), false);
        s.send_data(id, std::string(1024, 'u'), true);
        s.frames();
    }
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(s.responded.size(), 1000u);
}

TEST(FlowControl, InitialConnectionWindowIsRaisedAtStart) {
    Config c;
    c.connection_window = 4 << 20;
    Script s{Connection::server(c)};
    s.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    s.send_settings();
    EXPECT_EQ(credit_sent(s.frames(), 0), (4u << 20) - 65535u);
}

TEST(FlowControl, ReceiveWindowsUseOurSettingOnlyOnceTheClientAcknowledgesIt) {
    Config c;
    c.settings.initial_window_size = 1000;
    Script s{Connection::server(c)};
    s.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    s.send_settings();
    s.frames();
    // Before the ACK the peer may use the default 65,535.
    s.send_headers(1, post_request(), false);
    s.send_data(1, std::string(5000, 'x'), false);
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(find_frame(s.frames(), "RST_STREAM"), "");
    s.send_settings_ack();
    // Now 1000: stream 3 may not take 5000.
    s.send_headers(3, post_request(), false);
    s.send_data(3, std::string(5000, 'x'), false);
    EXPECT_NE(find_frame(s.frames(), "RST_STREAM s=3 FLOW_CONTROL_ERROR"), "");
}

TEST(FlowControl, OutboundDataNeverExceedsTheSmallerWindowOrTheFrameSize) {
    Config c;
    c.limits.max_buffered_data_per_stream = 1 << 20;
    Script s{Connection::server(c)};
    s.handshake({{4, 100000}, {5, 20000}});
    s.send_window_update(0, 30000);  // connection: 95,535
    s.auto_respond = false;
    s.send_headers(1);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    s.conn.submit_response(1, resp, false);
    ASSERT_EQ(s.conn.submit_data(1, std::vector<std::uint8_t>(60000, 'z'), false).value, 60000u);
    ASSERT_EQ(s.conn.submit_data(1, std::vector<std::uint8_t>(60000, 'z'), true).value, 60000u);
    std::uint64_t total = 0;
    for (const auto& f : s.frames()) {
        if (f.rfind("DATA", 0) != 0) continue;
        const auto fcl = std::stoul(f.substr(f.find("fcl=") + 4));
        EXPECT_LE(fcl, 16384u);  // our max_data_frame_size (the peer allows 20000)
        total += fcl;
    }
    EXPECT_EQ(total, 95535u);
}

TEST(FlowControl, AGrownStreamWindowLetsThePeerSendBeyondTheInitialWindow) {
    Script s{Connection::client()};
    s.client_handshake();
    const auto req = views(get_request());
    const StreamId id = s.conn.submit_request(req, true).value;
    s.frames();
    ASSERT_EQ(s.conn.grow_stream_window(id, 100000), SubmitError::none);
    s.conn.grow_connection_window(1u << 20);
    const auto f = s.frames();
    EXPECT_NE(find_frame(f, "WINDOW_UPDATE s=1 +100000"), "");
    s.send_headers(id, {{":status", "200"}}, false);
    s.send_data(id, std::string(150000, 'x'), false);  // 65,535 + 100,000 allow it
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(find_frame(s.frames(), "RST_STREAM"), "");
    EXPECT_EQ(s.conn.grow_stream_window(99, 1), SubmitError::no_such_stream);
}

}  // namespace
}  // namespace h2::test
