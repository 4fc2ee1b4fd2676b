// The overhead counter, with the exact arithmetic of SECURITY-PLAN §3.2 (OVH-*), through a
// server engine driven by a scripted client.
#include <gtest/gtest.h>

#include "script.hpp"

namespace h2::test {
namespace {

class Overhead : public testing::Test {
protected:
    void SetUp() override { s.handshake(); }
    std::string outcome() { return goaway_code(s.frames()); }
    Script s{Connection::server()};
};

TEST_F(Overhead, OVH01_AfterThePrefaceTheCountIsMinus90) { EXPECT_EQ(s.conn.overhead_count(), -90); }

TEST_F(Overhead, OVH02a_TenEmptySettingsFramesTrip) {
    for (int k = 1; k <= 9; ++k) s.send_settings();
    EXPECT_EQ(s.conn.overhead_count(), 0);
    EXPECT_FALSE(s.conn.is_closed());
    s.send_settings();
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(s.conn.counters().overhead_trips, 1u);
}

TEST_F(Overhead, OVH02c_SettingsAcksCostNothing) {
    for (int k = 0; k < 1000; ++k) s.send_settings_ack();
    EXPECT_EQ(s.conn.overhead_count(), -90);
    EXPECT_TRUE(s.alive());
}

// The first PING of each free_ping_interval (1 s) is a keepalive and costs nothing; these all
// arrive at the same instant, so the next ten cost count_factor each.
TEST_F(Overhead, OVH03a_ElevenPingsAtOnceTrip) {
    for (int k = 1; k <= 10; ++k) s.send_ping();
    EXPECT_FALSE(s.conn.is_closed());
    s.send_ping();
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH03b_APingEverySecondNeverTrips) {
    auto t = Connection::Clock::time_point{} + std::chrono::hours(1);
    for (int k = 0; k < 1000; ++k) {
        s.conn.set_time(t);
        s.send_ping();
        t += std::chrono::seconds(1);
    }
    EXPECT_EQ(s.conn.overhead_count(), -90);
    EXPECT_TRUE(s.alive());
}

TEST_F(Overhead, OVH03e_APingEveryHalfSecondChargesEveryOtherOne) {
    auto t = Connection::Clock::time_point{} + std::chrono::hours(1);
    for (int k = 0; k < 18; ++k) {
        s.conn.set_time(t);
        s.send_ping();
        t += std::chrono::milliseconds(500);
    }
    EXPECT_EQ(s.conn.overhead_count(), 0);
    s.conn.set_time(t + std::chrono::milliseconds(500));
    s.send_ping();
    s.send_ping();
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH03c_TenPriorityFramesTrip) {
    for (int k = 1; k <= 10; ++k) s.send_priority(static_cast<StreamId>(2 * k + 1), {0, false, 15});
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH03d_TenPriorityUpdatesTrip) {
    for (int k = 1; k <= 10; ++k) {
        frame::Buffer b;
        frame::write_priority_update(b, 1, "u=1");
        s.send(b);
    }
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH04a_RapidResetTripsOnTheFourthReset) {
    s.auto_respond = false;  // "handler blocked"
    for (StreamId id = 1; id <= 5; id += 2) {
        s.send_headers(id);
        s.send_rst(id, ErrorCode::cancel);
        EXPECT_FALSE(s.conn.is_closed()) << id;
    }
    EXPECT_EQ(s.conn.overhead_count(), 0);
    s.send_headers(7);
    s.send_rst(7, ErrorCode::cancel);
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH04b_MadeYouResetTripsOnTheFourthPair) {
    s.auto_respond = false;
    for (StreamId id = 1; id <= 7; id += 2) {
        s.send_headers(id);
        s.send_window_update(id, 0);  // we are provoked into RST_STREAM(PROTOCOL_ERROR)
    }
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(s.conn.counters().overhead_trips, 1u);
}

TEST_F(Overhead, OVH05_CompleteRequestsEarnCreditDownToTheFloor) {
    for (StreamId id = 1; id < 2000; id += 2) {
        s.send_headers(id);
        s.frames();  // the client reads its responses, so streams complete
    }
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(s.conn.overhead_count(), -1000);  // the floor (OVH-12)
}

TEST_F(Overhead, OVH06a_AnEmptyNonFinalDataFrameTrips) {
    s.send_headers(1, post_request(), false);  // -20
    s.send_data(1, "x", false);                // -20
    EXPECT_FALSE(s.conn.is_closed());
    s.send_data(1, "", false);  // +1024
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH06b_HundredOctetDataFramesNeverTrip) {
    s.send_headers(1, post_request(), false);
    for (int k = 0; k < 500; ++k) s.send_data(1, std::string(100, 'x'), false);
    EXPECT_FALSE(s.conn.is_closed());
}

// SECURITY-PLAN (after Tomcat) has 40-octet frames trip on the 24th; but a gRPC stream sends
// a message of a few octets per DATA frame, so frames that carry octets never cost here.
TEST_F(Overhead, OVH06c_GrpcSizedDataFramesNeverTrip) {
    s.send_headers(1, post_request(), false);
    for (int k = 1; k <= 10000; ++k) s.send_data(1, std::string(static_cast<std::size_t>(5 + k % 36), 'x'), false);
    EXPECT_TRUE(s.alive());
}

TEST_F(Overhead, OVH06d_SmallFinalDataFramesAreExempt) {
    for (StreamId id = 1; id < 400; id += 2) {
        s.send_headers(id, post_request(), false);
        s.send_data(id, "x", true);
    }
    EXPECT_FALSE(s.conn.is_closed());
}

TEST_F(Overhead, OVH07a_TwoTinyConnectionWindowUpdatesTripWhileOurDataWaits) {
    s.auto_respond = false;
    s.send_headers(1);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    s.conn.submit_response(1, resp, false);
    const std::vector<std::uint8_t> body(60000, 'x');  // twice: more than the connection window
    s.conn.submit_data(1, body, false);
    s.frames();
    s.conn.submit_data(1, body, true);
    s.frames();
    s.send_window_update(0, 1);
    EXPECT_FALSE(s.conn.is_closed());
    s.send_window_update(0, 1);
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

// grpcio returns credit for every small message it receives: with nothing of ours waiting,
// tiny connection WINDOW_UPDATEs cost nothing.
TEST_F(Overhead, OVH07c_TinyConnectionWindowUpdatesWithNothingWaitingNeverTrip) {
    for (int k = 0; k < 1000; ++k) s.send_window_update(0, 5);
    EXPECT_TRUE(s.alive());
}

TEST_F(Overhead, OVH08a_AnEmptyNonFinalContinuationTrips) {
    s.send(s.headers(1, get_request(), true, false));
    s.send_raw(9, 0, 1, {});
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH08b_HundredOctetContinuationsTripOnTheTenth) {
    s.send(s.headers(1, get_request(), true, false));
    for (int k = 1; k <= 9; ++k) {
        s.send_raw(9, 0, 1, Bytes(100, 0x80 | 0x02));  // indexed :method GET, 100 times
        ASSERT_FALSE(s.conn.is_closed()) << k;
    }
    s.send_raw(9, 0, 1, Bytes(100, 0x82));
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
}

TEST_F(Overhead, OVH09_FramesQueuedBehindATripAreNotProcessed) {
    frame::Buffer b;
    for (int k = 0; k < 11; ++k) frame::write_ping(b, {}, false);
    frame::write_ping(b, {9, 9, 9, 9, 9, 9, 9, 9}, false);  // never answered
    s.send(b);
    const auto f = s.frames();
    EXPECT_EQ(goaway_code(f), "ENHANCE_YOUR_CALM");
    // The eleventh PING (the first was free) trips the counter after it was answered; the
    // twelfth is not processed.
    EXPECT_EQ(std::count(f.begin(), f.end(), std::string("PING ack=1 '") + std::string(8, '\0') + "'"), 11);
    EXPECT_EQ(find_frame(f, "PING ack=1 '\x09"), "");
}

TEST_F(Overhead, OVH10_RefusedStreamsCostAndNeverReachTheApplication) {
    Config c;
    c.limits.max_concurrent_streams = 1;
    Script t{Connection::server(c)};
    t.handshake();
    t.auto_respond = false;
    t.send_headers(1);
    const auto before = t.conn.overhead_count();
    t.send_headers(3);
    EXPECT_NE(find_frame(t.frames(), "RST_STREAM s=3 REFUSED_STREAM"), "");
    EXPECT_EQ(t.conn.overhead_count(), before + 10);
    EXPECT_EQ(t.log.headers.size(), 1u);
}

TEST_F(Overhead, OVH11_ZeroFactorsDisableTheirRules) {
    Config c;
    c.limits.overhead = {0, 0, 0, 0, 0, 0, 0};
    Script t{Connection::server(c)};
    t.handshake();
    for (int k = 0; k < 100; ++k) t.send_ping();
    t.send_window_update(0, 1);
    t.send_window_update(0, 1);
    EXPECT_FALSE(t.conn.is_closed());
}

TEST_F(Overhead, OVH12_BankedCreditIsCappedByTheFloor) {
    for (StreamId id = 1; id < 4000; id += 2) {  // 2000 requests
        s.send_headers(id);
        s.frames();
    }
    int pings = 0;
    while (!s.conn.is_closed() && pings < 1000) {
        s.send_ping();
        ++pings;
    }
    EXPECT_TRUE(s.conn.is_closed());
    EXPECT_LE(pings, 110);
}

TEST_F(Overhead, OVH15_EmptyUnknownFramesAndUnsolicitedPingAcksCost) {
    for (int k = 0; k < 10; ++k) s.send_raw(0xfa, 0, 0, {});
    EXPECT_EQ(outcome(), "ENHANCE_YOUR_CALM");
    Script t{Connection::server()};
    t.handshake();
    int acks = 0;
    while (!t.conn.is_closed() && acks < 1000) {
        t.send_ping({}, true);
        ++acks;
    }
    EXPECT_LE(acks, 100);
}

TEST_F(Overhead, OVH16_PingsWhileALongResponseGoesOutDoNotTrip) {
    // A client measuring its bandwidth-delay product PINGs while it downloads.
    s.auto_respond = false;
    s.send_window_update(0, 16u << 20);
    s.send_headers(1);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    s.conn.submit_response(1, resp, false);
    for (int k = 0; k < 40; ++k) {
        s.conn.submit_data(1, std::vector<std::uint8_t>(60000, 'd'), false);
        s.frames();
        s.send_window_update(1, 60000);
        s.send_ping();
    }
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_LT(s.conn.overhead_count(), 0);
}

TEST(OverheadBeforeSettingsAck, StreamsRefusedBeforeOurSettingsAreAcknowledgedCostNothing) {
    Config c;
    c.limits.max_concurrent_streams = 10;
    Script s{Connection::server(c)};
    s.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    s.send_settings();  // no ACK of ours yet: the client cannot know our limit
    s.auto_respond = false;
    const auto before = s.conn.overhead_count();
    for (StreamId id = 1; id <= 199; id += 2) s.send_headers(id);  // 100 streams, 90 refused
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(s.conn.counters().streams_refused, 90u);
    EXPECT_EQ(s.conn.overhead_count(), before - 10 * 20);  // the 10 accepted requests earned credit
    s.send_settings_ack();
    s.send_headers(201);  // refused now that the client knows: costs
    EXPECT_EQ(s.conn.overhead_count(), before - 10 * 20 + 10);
}

}  // namespace
}  // namespace h2::test
