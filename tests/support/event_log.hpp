// Owned copies of what events borrow. Event spans are valid only until the next receive(),
// so a test that looks at events later must copy them first, as an application would.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "h2/connection/events.hpp"

namespace h2::test {

struct OwnedHeaders {
    StreamId stream = 0;
    HeadersKind kind = HeadersKind::request;
    std::vector<std::pair<std::string, std::string>> fields;
    bool end_stream = false;

    std::string get(std::string_view name) const {
        for (const auto& [n, v] : fields) {
            if (n == name) return v;
        }
        return "";
    }
};

struct EventLog {
    std::vector<OwnedHeaders> headers;
    std::map<StreamId, std::string> bodies;
    std::map<StreamId, bool> ended;  // DATA with END_STREAM seen

    void capture(const std::vector<Event>& events, std::size_t from) {
        for (std::size_t i = from; i < events.size(); ++i) {
            if (const auto* h = std::get_if<HeadersReceived>(&events[i])) {
                OwnedHeaders o{h->stream, h->kind, {}, h->end_stream};
                for (const auto& f : h->fields) o.fields.emplace_back(f.name, f.value);
                headers.push_back(std::move(o));
            } else if (const auto* d = std::get_if<DataReceived>(&events[i])) {
                bodies[d->stream].append(d->data.begin(), d->data.end());
                if (d->end_stream) ended[d->stream] = true;
            }
        }
    }
    std::size_t body_size(StreamId id) const {
        const auto it = bodies.find(id);
        return it == bodies.end() ? 0 : it->second.size();
    }
};

}  // namespace h2::test
