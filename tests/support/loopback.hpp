// A client engine and a server engine talking in memory.
#pragma once

#include <random>
#include <vector>

#include "event_log.hpp"
#include "h2/connection/connection.hpp"

namespace h2::test {

struct Loopback {
    Connection client;
    Connection server;
    std::vector<Event> client_events;  // spans inside are stale: use the logs
    std::vector<Event> server_events;
    EventLog client_log;
    EventLog server_log;
    // When set, each transfer is cut into random pieces (the engine must not care).
    std::mt19937* random_split = nullptr;

    explicit Loopback(const Config& client_config = {}, const Config& server_config = {})
        : client(Connection::client(client_config)), server(Connection::server(server_config)) {}

    // Moves bytes both ways until neither side has anything to say. Returns the rounds.
    int pump(int max_rounds = 1000) {
        int rounds = 0;
        for (; rounds < max_rounds; ++rounds) {
            const bool a = transfer(client, server, server_events, server_log);
            const bool b = transfer(server, client, client_events, client_log);
            if (!a && !b) break;
        }
        // Events produced by API calls (resets, writability) since the last receive().
        client.poll_events(client_events);
        server.poll_events(server_events);
        return rounds;
    }

private:
    bool transfer(Connection& from, Connection& to, std::vector<Event>& events, EventLog& log) {
        bool moved = false;
        for (;;) {
            const auto out = from.pending_output();
            if (out.empty()) break;
            std::vector<std::uint8_t> bytes(out.begin(), out.end());
            from.consume_output(bytes.size());
            moved = true;
            std::span<const std::uint8_t> rest(bytes);
            while (!rest.empty()) {
                std::size_t n = rest.size();
                if (random_split) n = std::uniform_int_distribution<std::size_t>(1, rest.size())(*random_split);
                const std::size_t first = events.size();
                to.receive(rest.first(n), events);
                log.capture(events, first);
                rest = rest.subspan(n);
            }
        }
        return moved;
    }
};

template <class T>
std::vector<T> of(const std::vector<Event>& events) {
    std::vector<T> v;
    for (const auto& e : events) {
        if (auto* x = std::get_if<T>(&e)) v.push_back(*x);
    }
    return v;
}

}  // namespace h2::test
