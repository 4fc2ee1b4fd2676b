// SECURITY-PLAN §3.3 attacks against a server engine (level L1: in memory, exact counts).
// Each test checks the reaction, the frame budget before it, and that memory stays bounded.
#include <gtest/gtest.h>

#include "script.hpp"

namespace h2::test {
namespace {

Config without_overhead() {
    Config c;
    c.limits.overhead = {0, 0, 0, 0, 0, 0, 0};
    return c;
}

class Attack : public testing::Test {
protected:
    void SetUp() override { s.handshake(); }
    Script s{Connection::server()};
};

TEST_F(Attack, SEC01a_PingFloodWithoutReadingTripsWithinElevenPings) {
    int sent = 0;
    while (!s.conn.is_closed() && sent < 1000) {
        s.send_ping();
        ++sent;
    }
    EXPECT_EQ(sent, 11);  // the first is a free keepalive
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
}

TEST(AttackNoOverhead, SEC01a_PingFloodWithoutReadingIsBoundedByTheControlQueue) {
    Script s{Connection::server(without_overhead())};
    s.handshake();
    frame::Buffer batch;
    for (int k = 0; k < 1000; ++k) frame::write_ping(batch, {}, false);
    int batches = 0;
    while (!s.conn.is_closed() && batches < 1000) {  // up to 10^6 PINGs, never reading
        s.send(batch);
        ++batches;
    }
    EXPECT_TRUE(s.conn.is_closed());
    EXPECT_LE(batches, 5);  // 64 KiB of 17-octet ACKs is ~3,900 PINGs
    EXPECT_EQ(s.conn.counters().control_queue_trips, 1u);
    EXPECT_LT(s.conn.pending_output().size(), 70u * 1024);
}

TEST_F(Attack, SEC02b_HugeSettingsFrameTripsBeforeItsEntriesApply) {
    Bytes payload;
    for (int k = 0; k < 2730; ++k) payload.insert(payload.end(), {0x77, 0x77, 0, 0, 0, 1});
    s.send_raw(4, 0, 0, payload);
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(s.conn.counters().settings_trips, 1u);
}

TEST(AttackNoAck, SEC02d_ConcurrencyLimitHoldsBeforeTheClientAcknowledgesSettings) {
    Config c = without_overhead();
    Script s{Connection::server(c)};
    s.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    s.send_settings();  // and never ACK ours
    s.auto_respond = false;
    for (StreamId id = 1; id < 2000; id += 2) s.send_headers(id);
    EXPECT_EQ(s.log.headers.size(), 100u);
    EXPECT_EQ(s.conn.counters().streams_refused, 900u);
}

TEST_F(Attack, SEC02i_UnacknowledgedSettingsTimeOut) {
    Script t{Connection::server()};
    const auto t0 = Connection::Clock::time_point{} + std::chrono::hours(1);
    t.conn.set_time(t0);
    t.send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    t.send_settings();
    ASSERT_TRUE(t.conn.next_deadline().has_value());
    EXPECT_EQ(*t.conn.next_deadline(), t0 + std::chrono::seconds(10));
    t.conn.on_deadline(t0 + std::chrono::seconds(9));
    EXPECT_FALSE(t.conn.is_closed());
    t.conn.on_deadline(t0 + std::chrono::seconds(10));
    EXPECT_EQ(goaway_code(t.frames()), "SETTINGS_TIMEOUT");
}

TEST_F(Attack, SEC03a_ResetFloodFromMalformedRequestsTripsOnTheSecond) {
    s.send_headers(1, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"X-A", "1"}});
    EXPECT_FALSE(s.conn.is_closed());
    s.send_headers(3, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"X-A", "1"}});
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    EXPECT_TRUE(s.log.headers.empty());
}

TEST(AttackNoOverhead, SEC03c_LocalResetLimitTripsAfter200) {
    Script s{Connection::server(without_overhead())};
    s.handshake();
    int sent = 0;
    for (StreamId id = 1; !s.conn.is_closed() && id < 2000; id += 2, ++sent) {
        s.send_headers(id, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"X-A", "1"}});
        s.frames();
    }
    EXPECT_EQ(sent, 201);
    EXPECT_EQ(s.conn.counters().local_reset_trips, 1u);
}

// {HEADERS(id, ES+EH); RST_STREAM(id, CANCEL)} x 100,000 in one write.
Bytes rapid_reset(Script& s, int pairs) {
    Bytes b;
    for (int k = 0; k < pairs; ++k) {
        const StreamId id = static_cast<StreamId>(2 * k + 1);
        const Bytes h = s.headers(id, get_request(), true);
        b.insert(b.end(), h.begin(), h.end());
        frame::write_rst_stream(b, id, ErrorCode::cancel);
    }
    return b;
}

TEST_F(Attack, SEC04a_RapidResetTripsOnTheFourthResetAndStartsFewHandlers) {
    s.auto_respond = false;
    s.send(rapid_reset(s, 100000));
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    EXPECT_LE(s.log.headers.size(), 4u);
    EXPECT_EQ(s.conn.counters().resets_received, 4u);
}

TEST(AttackNoOverhead, SEC04a_RapidResetTripsTheResetBucket) {
    Script s{Connection::server(without_overhead())};
    s.handshake();
    s.auto_respond = false;
    s.send(rapid_reset(s, 100000));
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(s.conn.counters().reset_flood_trips, 1u);
    EXPECT_LE(s.log.headers.size(), 1001u);  // the burst, then the trip
}

TEST(AttackNoOverhead, SEC04b_SlowResetsUnderTheRateAreServed) {
    Config c = without_overhead();
    c.limits.reset_burst = 10;
    c.limits.reset_rate = 10;
    Script s{Connection::server(c)};
    auto now = Connection::Clock::time_point{} + std::chrono::hours(1);
    s.conn.set_time(now);
    s.handshake();
    s.auto_respond = false;
    for (StreamId id = 1; id < 400; id += 2) {  // 5 per second, for 40 s
        now += std::chrono::milliseconds(200);
        s.conn.set_time(now);
        s.send_headers(id);
        s.send_rst(id, ErrorCode::cancel);
    }
    EXPECT_FALSE(s.conn.is_closed());
    EXPECT_EQ(s.conn.open_streams(), 0u);
}

// MadeYouReset primitives P1-P7 (SECURITY-PLAN SEC-05): each provokes a stream error; the
// resets we send count, so each attack trips within a few pairs.
class MadeYouReset : public Attack {
protected:
    void run(const std::function<void(StreamId)>& primitive, int budget) {
        s.auto_respond = false;
        int pairs = 0;
        for (StreamId id = 1; !s.conn.is_closed() && pairs < 1000; id += 2, ++pairs) primitive(id);
        EXPECT_LE(pairs, budget);
        EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    }
};

TEST_F(MadeYouReset, SEC05_P1_WindowUpdateOfZero) {
    run(
        [&](StreamId id) {
            s.send_headers(id);
            s.send_window_update(id, 0);
        },
        4);
}
TEST_F(MadeYouReset, SEC05_P2_WindowOverflow) {
    run(
        [&](StreamId id) {
            s.send_headers(id);
            s.send_window_update(id, 0x7fffffff);
            s.send_window_update(id, 0x7fffffff);
        },
        4);
}
TEST_F(MadeYouReset, SEC05_P3_HeadersAfterEndStream) {
    run(
        [&](StreamId id) {
            s.send_headers(id);
            s.send_headers(id);
        },
        4);
}
TEST_F(MadeYouReset, SEC05_P4_DataAfterEndStream) {
    run(
        [&](StreamId id) {
            s.send_headers(id);
            s.send_data(id, "x", true);
        },
        10);
}
TEST_F(MadeYouReset, SEC05_P5_PriorityOfWrongLength) {
    run(
        [&](StreamId id) {
            s.send_headers(id);
            s.send_raw(2, 0, id, {0, 0, 0, 0});
        },
        4);
}
TEST_F(MadeYouReset, SEC05_P7_ContentLengthExceeded) {
    run(
        [&](StreamId id) {
            s.send_headers(id, post_request("1"), false);
            s.send_data(id, "xx", true);
        },
        10);
}

TEST(AttackWindow, SEC05_P6_DataBeyondTheStreamWindowIsAStreamError) {
    Config c;
    c.settings.initial_window_size = 16;
    Script s{Connection::server(c)};
    s.handshake();
    s.send_headers(1, post_request(), false);
    s.send_data(1, std::string(17, 'x'), false);
    EXPECT_NE(find_frame(s.frames(), "RST_STREAM s=1 FLOW_CONTROL_ERROR"), "");
    EXPECT_TRUE(s.alive());
}

TEST_F(Attack, SEC06a_ContinuationFloodTripsAtTheBlockSizeLimit) {
    s.send(s.headers(1, get_request(), true, false));
    int frames = 0;
    while (!s.conn.is_closed() && frames < 1000) {
        s.send_raw(9, 0, 1, s.block({{"x-" + std::to_string(frames), std::string(16000, 'r')}}));
        ++frames;
    }
    EXPECT_LE(frames, 3);  // 32 KiB
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    EXPECT_TRUE(s.log.headers.empty());
}

TEST(AttackNoOverhead, SEC06b_EmptyContinuationFloodTripsAtTheFrameCount) {
    Script s{Connection::server(without_overhead())};
    s.handshake();
    s.send(s.headers(1, get_request(), true, false));
    int frames = 0;
    while (!s.conn.is_closed() && frames < 1000000) {
        s.send_raw(9, 0, 1, {});
        ++frames;
    }
    EXPECT_EQ(frames, 33);
    EXPECT_EQ(s.conn.counters().continuation_trips, 1u);
}

TEST_F(Attack, SEC06b_EmptyContinuationTripsTheOverheadAtOnce) {
    s.send(s.headers(1, get_request(), true, false));
    s.send_raw(9, 0, 1, {});
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
}

TEST_F(Attack, SEC06h_FourteenKilobyteBlockInOneKilobyteContinuationsIsAccepted) {
    Bytes block = s.block(get_request());
    const Bytes extra = s.block({{"x-big", std::string(14000, '~')}});
    block.insert(block.end(), extra.begin(), extra.end());
    s.send_raw(1, frame::flags::end_stream, 1, Bytes(block.begin(), block.begin() + 1024));
    std::size_t at = 1024;
    while (at < block.size()) {
        const std::size_t n = std::min<std::size_t>(1024, block.size() - at);
        s.send_raw(9, at + n == block.size() ? frame::flags::end_headers : 0, 1,
                   Bytes(block.begin() + static_cast<std::ptrdiff_t>(at),
                         block.begin() + static_cast<std::ptrdiff_t>(at + n)));
        at += n;
    }
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=0 :status=200"), "");
}

TEST_F(Attack, SEC07a_EmptyDataFloodTripsOnTheFirstFrame) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "", false);
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
}

TEST_F(Attack, SEC07b_PaddedEmptyDataIsChargedAndCreditedButCountsAsEmpty) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "x", false, 255);  // one octet of data: useful, padding or not
    EXPECT_EQ(s.conn.is_closed(), false);
    s.send_data(1, "", false, 255);  // padding alone is empty
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
}

TEST_F(Attack, SEC07c_EmptyHeaderBlocksAreStreamErrorsThatTrip) {
    s.send_raw(1, frame::flags::end_headers | frame::flags::end_stream, 1, {});
    EXPECT_NE(find_frame(s.frames(), "RST_STREAM s=1 PROTOCOL_ERROR"), "");
    s.send_raw(1, frame::flags::end_headers | frame::flags::end_stream, 3, {});
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
}

TEST_F(Attack, SEC07e_EmptyFinalDataFramesAreLegitimate) {
    for (StreamId id = 1; id < 2000; id += 2) {
        s.send_headers(id, post_request(), false);
        s.send_data(id, "body", false);
        s.send_data(id, "", true);
        s.frames();
    }
    EXPECT_FALSE(s.conn.is_closed());
}

TEST_F(Attack, SEC11_TenThousandEmptyFieldsGet431) {
    Bytes block = s.block(get_request());
    for (int k = 0; k < 10000; ++k) block.insert(block.end(), {0x00, 0x00, 0x00});
    s.send_raw(1, frame::flags::end_stream, 1, Bytes(block.begin(), block.begin() + 16000));
    s.send_raw(9, frame::flags::end_headers, 1, Bytes(block.begin() + 16000, block.end()));
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=1 :status=431"), "");
    EXPECT_TRUE(s.log.headers.empty());
    EXPECT_TRUE(s.alive());
}

TEST_F(Attack, SEC12a_HpackBombIsStoppedWithBoundedMemory) {
    // Block 1: x-b = 4061 'a' (an entry of exactly 4096 octets). Block 2: 16,000 x index 62.
    Bytes b1 = s.block(get_request());
    b1.insert(b1.end(), {0x40, 0x03, 'x', '-', 'b', 0x7f, 0xde, 0x1e});  // literal, length 4061
    b1.insert(b1.end(), 4061, 'a');
    s.send_raw(1, frame::flags::end_headers | frame::flags::end_stream, 1, b1);
    s.frames();
    Bytes b2 = s.block(get_request());
    b2.insert(b2.end(), 16000, 0xbe);  // 64 MB once expanded
    s.send_raw(1, frame::flags::end_stream, 3, Bytes(b2.begin(), b2.begin() + 10000));
    s.send_raw(9, frame::flags::end_headers, 3, Bytes(b2.begin() + 10000, b2.end()));
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=3 es=1 :status=431"), "");
    EXPECT_EQ(s.conn.counters().header_lists_too_large, 1u);
    EXPECT_TRUE(s.alive());
}

TEST_F(Attack, SEC13a_HundredSmallFieldsAreAccepted) {
    FieldList f = get_request();
    for (int k = 0; k < 96; ++k) f.emplace_back("x-f" + std::to_string(k), std::string(20, 'v'));
    s.send_headers(1, f);
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=0 :status=200"), "");
}

TEST_F(Attack, SEC13b_OneHundredAndOneFieldsGet431) {
    FieldList f = get_request();
    for (int k = 0; k < 97; ++k) f.emplace_back("x-f" + std::to_string(k), std::string(20, 'v'));
    s.send_headers(1, f);
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=1 :status=431"), "");
}

// RFC 9113 §8.2.3: a client may split cookie into crumbs; each crumb is a field that counts.
TEST_F(Attack, SEC13d_EveryCookieCrumbCountsAgainstTheFieldLimit) {
    FieldList f = get_request();
    for (int k = 0; k < 97; ++k) f.emplace_back("cookie", "c" + std::to_string(k) + "=1");
    s.send_headers(1, f);
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=1 :status=431"), "");
    EXPECT_TRUE(s.log.headers.empty());
}

// RFC 7541 §4.1: each field costs its name, its value and 32 octets against the list's budget:
// 500 fields of 2 octets are 17,000 octets, over the 16 KiB limit (1,000 without the overhead).
TEST(AttackFieldOverhead, SEC13f_EveryFieldIsCharged32OctetsAgainstTheHeaderListLimit) {
    Config c;
    c.limits.max_header_count = 1000;  // the count is not what stops it
    Script t{Connection::server(c)};
    t.handshake();
    FieldList f = get_request();
    for (int k = 0; k < 500; ++k) f.emplace_back("a", "b");
    t.send_headers(1, f);
    EXPECT_NE(find_frame(t.frames(), "HEADERS s=1 es=1 :status=431"), "");
    FieldList few = get_request();
    for (int k = 0; k < 400; ++k) few.emplace_back("a", "b");  // 13,600 + the request: under 16 KiB
    t.send_headers(3, few);
    EXPECT_NE(find_frame(t.frames(), "HEADERS s=3 es=0 :status=200"), "");
}

TEST_F(Attack, SEC13c_SeventeenKilobyteFieldGets431AndTheNextRequestWorks) {
    s.send_headers(1,
                   {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x-big", std::string(17 * 1024, '~')}});
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=1 es=1 :status=431"), "");
    s.send_headers(3);
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=3 es=0 :status=200"), "");
    EXPECT_EQ(s.conn.open_streams(), 0u);
}

TEST_F(Attack, SEC13e_FortyKilobyteBlockTrips) {
    const Bytes block =
        s.block({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x-big", std::string(40 * 1024, '~')}});
    s.send_raw(1, frame::flags::end_stream, 1, Bytes(block.begin(), block.begin() + 16384));
    s.send_raw(9, 0, 1, Bytes(block.begin() + 16384, block.begin() + 32768));
    s.send_raw(9, frame::flags::end_headers, 1, Bytes(block.begin() + 32768, block.end()));
    EXPECT_EQ(goaway_code(s.frames()), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(s.conn.counters().header_block_trips, 1u);
}

TEST_F(Attack, SEC14a_FirstStreamMayUseTheLargestId) {
    s.send_headers(0x7fffffff);
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=2147483647 es=0 :status=200"), "");
    s.send_headers(3);
    EXPECT_EQ(goaway_code(s.frames()), "PROTOCOL_ERROR");
}

TEST_F(Attack, SEC16b_StreamWindowOverflowKeepsTheConnection) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_headers(3);
    s.send_window_update(1, 0x7fffffff);
    EXPECT_NE(find_frame(s.frames(), "RST_STREAM s=1 FLOW_CONTROL_ERROR"), "");
    const hpack::HeaderField resp[] = {{":status", "200"}};
    ASSERT_EQ(s.conn.submit_response(3, resp, true), SubmitError::none);
    EXPECT_NE(find_frame(s.frames(), "HEADERS s=3 es=1 :status=200"), "");
}

TEST_F(Attack, SEC17a_InitialWindowChangeThatOverflowsAStreamIsAConnectionError) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_window_update(1, 0x7fffffff - 65535);
    s.send_settings({{4, 65536}});
    EXPECT_EQ(goaway_code(s.frames()), "FLOW_CONTROL_ERROR");
}

TEST_F(Attack, SEC18_MalformedRequestsNeverReachTheApplication) {
    const std::vector<FieldList> cases = {
        post_request("+5"),
        post_request("-1"),
        post_request(" 5"),
        post_request("5,5"),
        post_request("0x5"),
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"keep-alive", "1"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"proxy-connection", "x"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"transfer-encoding", "chunked"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"upgrade", "websocket"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x", "a\r\nTransfer-Encoding: chunked"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x", std::string("a\0b", 3)}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x", " lead"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x", "trail\t"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"a:b", "1"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"a b", "1"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"\x7f", "1"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"", "1"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "foo"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "*"}},
        {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a.example"}, {"host", "b.example"}},
        {{":method", "CONNECT"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a:443"}},
        {{":method", "CONNECT"}},
        {{":method", "CONNECT"}, {":protocol", "websocket"}, {":scheme", "https"}, {":path", "/"}, {":authority", "a"}},
        {{":method", "GET / HTTP/1.1\r\nX:"}, {":scheme", "http"}, {":path", "/"}},
    };
    Config c = without_overhead();
    Script t{Connection::server(c)};
    t.handshake();
    StreamId id = 1;
    for (const auto& fields : cases) {
        t.send_headers(id, fields, fields[0].second != "POST");
        EXPECT_NE(find_frame(t.frames(), "RST_STREAM s=" + std::to_string(id) + " PROTOCOL_ERROR"), "")
            << "case " << (id / 2);
        id += 2;
    }
    EXPECT_TRUE(t.log.headers.empty());
    t.send_headers(id);  // and a valid request still works
    EXPECT_NE(find_frame(t.frames(), "HEADERS s=" + std::to_string(id) + " es=0 :status=200"), "");
}

TEST_F(Attack, SEC20_A431FloodFromAPeerThatDoesNotReadIsBounded) {
    Config c = without_overhead();
    c.limits.max_local_resets = 1000000;
    Script t{Connection::server(c)};
    t.handshake();
    const FieldList big = {
        {":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x-big", std::string(17 * 1024, '~')}};
    int sent = 0;
    for (StreamId id = 1; !t.conn.is_closed() && sent < 100000; id += 2, ++sent) {
        t.send_headers(id, big, false);  // 431 + RST_STREAM(NO_ERROR) each, never read
    }
    EXPECT_TRUE(t.conn.is_closed());
    EXPECT_EQ(t.conn.counters().control_queue_trips, 1u);
    EXPECT_LT(t.conn.pending_output().size(), 1u << 20);
}

}  // namespace
}  // namespace h2::test
