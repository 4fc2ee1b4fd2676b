// A client engine and a server engine, in memory: whole exchanges, both roles.
#include <gtest/gtest.h>

#include "loopback.hpp"
#include "script.hpp"

namespace h2::test {
namespace {

std::string body_of(const EventLog& log, StreamId id) {
    const auto it = log.bodies.find(id);
    return it == log.bodies.end() ? "" : it->second;
}

TEST(Loopback, GetRequestGetsAResponseAndBothStreamsClose) {
    Loopback l;
    const auto req = views(get_request());
    const StreamId id = l.client.submit_request(req, true).value;
    ASSERT_EQ(id, 1u);
    l.pump();
    const auto& reqs = l.server_log.headers;
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].kind, HeadersKind::request);
    EXPECT_TRUE(reqs[0].end_stream);
    EXPECT_EQ(reqs[0].get(":path"), "/");

    const hpack::HeaderField resp[] = {{":status", "200"}, {"content-type", "text/plain"}};
    ASSERT_EQ(l.server.submit_response(id, resp, false), SubmitError::none);
    ASSERT_EQ(l.server.submit_data(id, bytes("hello"), true).value, 5u);
    l.pump();
    const auto resps = of<HeadersReceived>(l.client_events);
    ASSERT_EQ(resps.size(), 1u);
    EXPECT_EQ(resps[0].kind, HeadersKind::response);
    EXPECT_EQ(body_of(l.client_log, id), "hello");
    EXPECT_EQ(of<StreamClosed>(l.client_events).size(), 1u);
    EXPECT_EQ(l.client.open_streams(), 0u);
    EXPECT_EQ(l.server.open_streams(), 0u);
}

TEST(Loopback, SettingsAreExchangedAndAcknowledgedBothWays) {
    Config server_config;
    server_config.limits.max_concurrent_streams = 7;
    Loopback l({}, server_config);
    l.pump();
    EXPECT_EQ(l.client.peer_settings().max_concurrent_streams, 7u);
    EXPECT_EQ(of<SettingsAcknowledged>(l.client_events).size(), 1u);
    EXPECT_EQ(of<SettingsAcknowledged>(l.server_events).size(), 1u);
}

TEST(Loopback, UploadLargerThanEveryWindowArrivesWhole) {
    Loopback l;
    const FieldList post = post_request();
    const auto req = views(post);
    const StreamId id = l.client.submit_request(req, false).value;
    std::string body(1 << 20, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
    std::size_t sent = 0;
    for (int round = 0; round < 10000 && sent < body.size(); ++round) {
        sent +=
            l.client
                .submit_data(id, {reinterpret_cast<const std::uint8_t*>(body.data()) + sent, body.size() - sent}, true)
                .value;
        l.pump();
    }
    ASSERT_EQ(sent, body.size());
    l.pump();
    EXPECT_TRUE(body_of(l.server_log, id) == body) << "body differs; size " << body_of(l.server_log, id).size();
    EXPECT_FALSE(of<StreamWritable>(l.client_events).empty());  // backpressure was reported
}

TEST(Loopback, ManualCreditReleaseHoldsTheSenderAtTheWindow) {
    Config server_config;
    server_config.auto_release = false;
    server_config.connection_window = 65535;
    Loopback l({}, server_config);
    const FieldList post = post_request();
    const auto req = views(post);
    const StreamId id = l.client.submit_request(req, false).value;
    const std::string chunk(60000, 'x');
    for (int i = 0; i < 3; ++i) {
        l.client.submit_data(id, {reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()}, false);
        l.pump();
    }
    EXPECT_EQ(body_of(l.server_log, id).size(), 65535u);  // the initial stream window
    l.server.release_received_data(id, 65535);
    l.pump();
    EXPECT_GT(body_of(l.server_log, id).size(), 65535u);
}

TEST(Loopback, TrailersBothWays) {
    Loopback l;
    const FieldList post = post_request();
    const auto req = views(post);
    const StreamId id = l.client.submit_request(req, false).value;
    l.client.submit_data(id, bytes("body"), false);
    const hpack::HeaderField trailers[] = {{"x-checksum", "1234"}};
    ASSERT_EQ(l.client.submit_trailers(id, trailers), SubmitError::none);
    l.pump();
    const auto& h = l.server_log.headers;
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[1].kind, HeadersKind::trailers);
    EXPECT_EQ(h[1].get("x-checksum"), "1234");

    const hpack::HeaderField resp[] = {{":status", "200"}};
    l.server.submit_response(id, resp, false);
    l.server.submit_data(id, bytes("answer"), false);
    const hpack::HeaderField resp_trailers[] = {{"x-length", "6"}};
    ASSERT_EQ(l.server.submit_trailers(id, resp_trailers), SubmitError::none);
    l.pump();
    const auto& ch = l.client_log.headers;
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_EQ(ch[1].kind, HeadersKind::trailers);
    EXPECT_EQ(body_of(l.client_log, id), "answer");
    EXPECT_EQ(l.server.open_streams(), 0u);
}

TEST(Loopback, InformationalResponseThenFinalResponse) {
    Loopback l;
    FieldList expect = post_request("4");
    expect.emplace_back("expect", "100-continue");
    const auto req = views(expect);
    const StreamId id = l.client.submit_request(req, false).value;
    l.pump();
    const hpack::HeaderField cont[] = {{":status", "100"}};
    ASSERT_EQ(l.server.submit_response(id, cont, false), SubmitError::none);
    l.pump();
    ASSERT_EQ(of<HeadersReceived>(l.client_events).size(), 1u);
    EXPECT_EQ(of<HeadersReceived>(l.client_events)[0].kind, HeadersKind::informational);
    l.client.submit_data(id, bytes("data"), true);
    l.pump();
    const hpack::HeaderField ok[] = {{":status", "204"}};
    ASSERT_EQ(l.server.submit_response(id, ok, true), SubmitError::none);
    l.pump();
    ASSERT_EQ(of<HeadersReceived>(l.client_events).size(), 2u);
    EXPECT_EQ(of<HeadersReceived>(l.client_events)[1].kind, HeadersKind::response);
}

TEST(Loopback, ServerResetIsReportedToTheClientAsRemote) {
    Loopback l;
    const auto req = views(get_request());
    const StreamId id = l.client.submit_request(req, true).value;
    l.pump();
    ASSERT_EQ(l.server.reset_stream(id, ErrorCode::refused_stream), SubmitError::none);
    l.pump();
    const auto r = of<StreamReset>(l.client_events);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].code, ErrorCode::refused_stream);
    EXPECT_EQ(r[0].initiator, Initiator::remote);
    const auto mine = of<StreamReset>(l.server_events);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].initiator, Initiator::local);
}

TEST(Loopback, ClientRespectsTheServersConcurrencyLimit) {
    Config server_config;
    server_config.limits.max_concurrent_streams = 2;
    Loopback l({}, server_config);
    l.pump();
    const auto req = views(get_request());
    EXPECT_NE(l.client.submit_request(req, true).value, 0u);
    EXPECT_NE(l.client.submit_request(req, true).value, 0u);
    const auto refused = l.client.submit_request(req, true);
    EXPECT_EQ(refused.value, 0u);
    EXPECT_EQ(refused.error, SubmitError::too_many_streams);
}

TEST(Loopback, PingIsAnsweredAndMeasured) {
    Loopback l;
    l.pump();
    const auto t0 = Connection::Clock::time_point{} + std::chrono::seconds(100);
    l.client.set_time(t0);
    l.client.submit_ping({1, 2, 3, 4, 5, 6, 7, 8});
    const auto out = l.client.pending_output();
    std::vector<std::uint8_t> bytes_out(out.begin(), out.end());
    l.client.consume_output(bytes_out.size());
    l.server.receive(bytes_out, l.server_events);
    l.client.set_time(t0 + std::chrono::milliseconds(30));
    const auto back = l.server.pending_output();
    std::vector<std::uint8_t> bytes_back(back.begin(), back.end());
    l.server.consume_output(bytes_back.size());
    l.client.receive(bytes_back, l.client_events);
    const auto acks = of<PingAcknowledged>(l.client_events);
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].round_trip, std::chrono::milliseconds(30));
    EXPECT_EQ(l.client.round_trip_time(), std::chrono::milliseconds(30));
}

TEST(Loopback, PeriodicPingsKeepTheRoundTripTimeCurrent) {
    Config c;
    c.ping_interval = std::chrono::seconds(5);
    Loopback l(c);
    auto now = Connection::Clock::time_point{} + std::chrono::hours(1);
    l.client.set_time(now);
    l.pump();
    ASSERT_TRUE(l.client.next_deadline().has_value());
    EXPECT_EQ(*l.client.next_deadline(), now + std::chrono::seconds(5));
    for (int k = 0; k < 3; ++k) {
        now += std::chrono::seconds(5);
        l.client.on_deadline(now);
        l.client.set_time(now + std::chrono::milliseconds(10 * (k + 1)));  // the round trip
        l.pump();
    }
    EXPECT_EQ(of<PingAcknowledged>(l.client_events).size(), 3u);
    EXPECT_EQ(of<PingAcknowledged>(l.client_events)[2].round_trip, std::chrono::milliseconds(30));
    EXPECT_GT(l.client.round_trip_time(), std::chrono::milliseconds(10));
}

TEST(Loopback, GracefulShutdownLetsInFlightStreamsFinish) {
    Loopback l;
    const auto req = views(get_request());
    const StreamId a = l.client.submit_request(req, true).value;
    l.pump();
    l.server.shutdown_gracefully();
    l.pump();  // GOAWAY(2^31-1), PING, PING ACK, GOAWAY(1)
    const auto g = of<GoawayReceived>(l.client_events);
    ASSERT_EQ(g.size(), 2u);
    EXPECT_EQ(g[0].last_stream_id, 0x7fffffffu);
    EXPECT_EQ(g[1].last_stream_id, a);
    const auto refused = l.client.submit_request(req, true);
    EXPECT_EQ(refused.value, 0u);
    EXPECT_EQ(refused.error, SubmitError::going_away);
    const hpack::HeaderField resp[] = {{":status", "200"}};
    ASSERT_EQ(l.server.submit_response(a, resp, true), SubmitError::none);
    l.pump();
    EXPECT_EQ(of<HeadersReceived>(l.client_events).size(), 1u);
    EXPECT_TRUE(l.server.should_close());
}

TEST(Loopback, ThePeersGoawayEndsTheConnectionOnceItsStreamsAreDone) {
    Loopback l;
    const auto req = views(get_request());
    const StreamId id = l.client.submit_request(req, true).value;
    l.pump();
    l.client.goaway(ErrorCode::no_error);  // the client is leaving (Node's session.close())
    l.pump();
    EXPECT_FALSE(l.server.should_close());  // stream 1 still needs its response
    const hpack::HeaderField resp[] = {{":status", "204"}};
    l.server.submit_response(id, resp, true);
    l.pump();
    EXPECT_TRUE(l.server.should_close());
    EXPECT_TRUE(l.client.should_close());
}

TEST(Loopback, StreamsAboveTheLastIdOfGoawayAreReportedNotProcessed) {
    Loopback l;
    const auto req = views(get_request());
    const StreamId a = l.client.submit_request(req, true).value;
    l.pump();
    const StreamId b = l.client.submit_request(req, true).value;  // not yet delivered
    l.server.goaway(ErrorCode::no_error);
    const auto out = l.server.pending_output();
    std::vector<std::uint8_t> bytes_out(out.begin(), out.end());
    l.server.consume_output(bytes_out.size());
    l.client.receive(bytes_out, l.client_events);
    const auto np = of<StreamNotProcessed>(l.client_events);
    ASSERT_EQ(np.size(), 1u);
    EXPECT_EQ(np[0].stream, b);
    EXPECT_EQ(np[0].reason, NotProcessedReason::above_goaway_last_stream);
    EXPECT_EQ(l.client.stream_state(a), stream::State::half_closed_local);
}

TEST(Loopback, GracefulShutdownSendsTheFinalGoawayAtItsConfiguredTimeoutWhenThePingIsNotAnswered) {
    Config c;
    c.graceful_shutdown_timeout = std::chrono::milliseconds(250);
    Loopback l({}, c);
    const auto req = views(get_request());
    l.client.submit_request(req, true);
    l.pump();
    const auto t0 = Connection::Clock::time_point{} + std::chrono::hours(1);
    l.server.set_time(t0);
    l.server.shutdown_gracefully();
    l.server.consume_output(l.server.pending_output().size());  // the PING never reaches the client
    ASSERT_TRUE(l.server.next_deadline().has_value());
    EXPECT_EQ(*l.server.next_deadline(), t0 + std::chrono::milliseconds(250));
    l.server.on_deadline(t0 + std::chrono::milliseconds(250));
    l.pump();
    const auto g = of<GoawayReceived>(l.client_events);
    ASSERT_EQ(g.size(), 1u);
    EXPECT_EQ(g[0].last_stream_id, 1u);
}

TEST(Loopback, RandomSplitsGiveTheSameConversation) {
    std::mt19937 rng(9113);
    for (int round = 0; round < 20; ++round) {
        Loopback l;
        l.random_split = &rng;
        const FieldList post = post_request();
        const auto req = views(post);
        std::vector<StreamId> ids;
        for (int i = 0; i < 5; ++i) {
            ids.push_back(l.client.submit_request(req, false).value);
            l.client.submit_data(ids.back(), std::vector<std::uint8_t>(20000 + i, static_cast<std::uint8_t>('a' + i)),
                                 true);
        }
        l.pump();
        for (std::size_t i = 0; i < ids.size(); ++i) {
            ASSERT_TRUE(body_of(l.server_log, ids[i]) == std::string(20000 + i, static_cast<char>('a' + i))) << round;
            const hpack::HeaderField resp[] = {{":status", "200"}};
            l.server.submit_response(ids[i], resp, false);
            l.server.submit_data(ids[i], std::vector<std::uint8_t>(30000, 'r'), true);
        }
        l.pump();
        for (StreamId id : ids) ASSERT_EQ(body_of(l.client_log, id).size(), 30000u) << round;
        ASSERT_EQ(l.client.open_streams(), 0u);
        ASSERT_EQ(l.server.open_streams(), 0u);
    }
}

TEST(Loopback, StreamIdsRunOutWithADistinctError) {
    Loopback l;
    l.client.skip_stream_ids(0x7ffffffd);
    const auto req = views(get_request());
    const StreamId last = l.client.submit_request(req, true).value;
    EXPECT_EQ(last, 0x7ffffffdu);
    l.pump();
    EXPECT_EQ(l.server_log.headers.size(), 1u);  // the server accepts the jump (§5.1.1)
    l.client.submit_request(req, true);          // 0x7fffffff, the last odd id
    const auto refused = l.client.submit_request(req, true);
    EXPECT_EQ(refused.value, 0u);
    EXPECT_EQ(refused.error, SubmitError::stream_ids_exhausted);
    EXPECT_EQ(to_string(refused.error), "stream identifiers exhausted");
}

}  // namespace
}  // namespace h2::test
