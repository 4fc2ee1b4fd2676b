#include "h2/runtime/grpc_client.hpp"

#include <memory>

#include "grpc_framing.hpp"

namespace h2::runtime::grpc {

namespace asio = boost::asio;

namespace {

// The request's body: every message, each written once the server's window lets it.
asio::awaitable<void> write_all(std::shared_ptr<const std::vector<std::string>> messages, BodyWriter& w) {
    for (const std::string& m : *messages) {
        const std::string octets = framed(m);
        co_await w.write(std::string_view(octets));
    }
}

std::string_view find(const FieldVector& fields, std::string_view name) {
    for (const auto& [n, v] : fields) {
        if (n == name) return v;
    }
    return {};
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::string decode_message(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

asio::awaitable<CallResult> call(Client& client, std::string url, std::vector<std::string> requests,
                                 std::optional<std::chrono::milliseconds> timeout, Limits limits) {
    FieldVector fields{{"content-type", "application/grpc"}, {"te", "trailers"}};
    if (timeout) fields.emplace_back("grpc-timeout", std::to_string(timeout->count()) + "m");
    auto messages = std::make_shared<const std::vector<std::string>>(std::move(requests));
    ClientBody body = ClientBody::writer([messages](BodyWriter& w) { return write_all(messages, w); });
    ClientRequest request("POST", std::move(url), std::move(fields), std::move(body));
    ClientResponse response = co_await client.request(std::move(request));
    CallResult result;
    std::string pending;
    std::size_t head = 0;  // octets of `pending` before it are consumed (dropped once per piece)
    for (auto piece = co_await response.read(); !piece.empty(); piece = co_await response.read()) {
        pending.erase(0, head);
        head = 0;
        pending.append(reinterpret_cast<const char*>(piece.data()), piece.size());
        while (pending.size() - head >= kPrefix) {
            const std::size_t n = message_length(pending.data() + head);
            if (n > limits.max_receive_message) {
                response.cancel();
                result.status = Status::resource_exhausted;
                result.message = "reply larger than " + std::to_string(limits.max_receive_message);
                co_return result;
            }
            if (pending.size() - head < kPrefix + n) break;
            result.replies.push_back(pending.substr(head + kPrefix, n));
            head += kPrefix + n;
        }
    }
    pending.erase(0, head);
    // Trailers, or a trailers-only response: the status is among the response's fields.
    result.trailers = response.trailers().empty() ? response.fields : response.trailers();
    const std::string_view status = find(result.trailers, "grpc-status");
    if (response.status != 200 || status.empty()) {
        result.status = response.status == 200 ? Status::internal : Status::unavailable;
        result.message = "no grpc-status (HTTP status " + std::to_string(response.status) + ")";
        co_return result;
    }
    result.status = static_cast<Status>(std::atoi(std::string(status).c_str()));
    result.message = decode_message(find(result.trailers, "grpc-message"));
    if (!pending.empty() && result.status == Status::ok) {
        result.status = Status::internal;
        result.message = "the response ended inside a message";
    }
    co_return result;
}

}  // namespace h2::runtime::grpc
