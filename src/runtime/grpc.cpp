#include "h2/runtime/grpc.hpp"

#include "grpc_framing.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstring>

namespace h2::runtime::grpc {

namespace asio = boost::asio;
using asio::experimental::awaitable_operators::operator||;

namespace {

std::string status_text(Status s) { return std::to_string(static_cast<int>(s)); }

FieldVector trailers_for(Status status, std::string_view message) {
    FieldVector t{{"grpc-status", status_text(status)}};
    if (!message.empty()) t.emplace_back("grpc-message", encode_message(message));
    return t;
}

bool is_grpc(std::string_view content_type) {
    return content_type == "application/grpc" || content_type.starts_with("application/grpc+") ||
           content_type.starts_with("application/grpc;");
}

// Ends the call: trailers after messages, or a trailers-only response (status and grpc-status
// in one HEADERS with END_STREAM) when none was sent.
asio::awaitable<void> finish(ResponseWriter& response, Status status, std::string_view message) {
    if (response.finished()) co_return;
    FieldVector t = trailers_for(status, message);
    if (!response.head_sent()) {
        t.insert(t.begin(), {"content-type", "application/grpc"});
        co_await response.write_head(200, std::move(t), true);
        co_return;
    }
    co_await response.finish(std::move(t));
}

struct Outcome {
    Status status = Status::ok;
    std::string message;
};

// The method, its exception turned into a status: never throws, so that the deadline race
// below sees its completion (an exception is not a success for Asio's operator||).
asio::awaitable<Outcome> run_method(const Method& method, ServerCall& call) {
    Outcome o;
    try {
        co_await method(call);
    } catch (const Error& e) {
        o.status = e.status;
        o.message = e.what();
    } catch (const std::exception& e) {
        o.status = Status::unknown;
        o.message = e.what();
    }
    co_return o;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_timeout(std::string_view v) noexcept {
    // TimeoutValue: 1 to 8 digits; TimeoutUnit: H M S m u n.
    if (v.size() < 2 || v.size() > 9) return std::nullopt;
    std::int64_t n = 0;
    for (char c : v.substr(0, v.size() - 1)) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    using namespace std::chrono;
    switch (v.back()) {
        case 'H':
            return duration_cast<nanoseconds>(hours(n));
        case 'M':
            return duration_cast<nanoseconds>(minutes(n));
        case 'S':
            return duration_cast<nanoseconds>(seconds(n));
        case 'm':
            return duration_cast<nanoseconds>(milliseconds(n));
        case 'u':
            return duration_cast<nanoseconds>(microseconds(n));
        case 'n':
            return nanoseconds(n);
        default:
            return std::nullopt;
    }
}

std::string encode_message(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (c >= 0x20 && c <= 0x7e && c != '%') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    return out;
}

// Messages are taken from `pending_` by moving `head_`; the consumed octets are dropped once
// per piece read, not once per message (a piece of 16 KiB can hold 3,000 empty messages).
asio::awaitable<std::optional<std::string>> ServerCall::read() {
    for (;;) {
        const std::size_t available = pending_.size() - head_;
        if (available >= kPrefix) {
            if (pending_[head_] != 0) throw Error(Status::unimplemented, "compressed messages are not supported");
            const std::size_t length = message_length(pending_.data() + head_);
            if (length > limits_.max_receive_message) {
                throw Error(Status::resource_exhausted,
                            "message larger than " + std::to_string(limits_.max_receive_message));
            }
            if (available >= kPrefix + length) {
                std::string message = pending_.substr(head_ + kPrefix, length);
                head_ += kPrefix + length;
                co_return message;
            }
        }
        if (ended_) {
            if (available != 0) throw Error(Status::internal, "the request ended inside a message");
            co_return std::nullopt;
        }
        pending_.erase(0, head_);
        head_ = 0;
        const auto piece = co_await request_.body.read();
        if (piece.empty()) ended_ = true;
        pending_.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    }
}

asio::awaitable<void> ServerCall::write(std::string_view message) {
    if (message.size() > limits_.max_send_message) {
        throw Error(Status::resource_exhausted,
                    "response message larger than " + std::to_string(limits_.max_send_message));
    }
    if (!response_.head_sent()) {
        FieldVector head{{"content-type", "application/grpc"}};
        co_await response_.write_head(200, std::move(head));
    }
    const std::string octets = framed(message);
    co_await response_.write(std::string_view(octets));
}

asio::awaitable<void> Service::handle(ServerRequest& request, ResponseWriter& response) const {
    if (request.method != "POST" || !is_grpc(request.field("content-type"))) {
        FieldVector fields{{"content-type", "text/plain"}};
        co_await response.respond(415, std::move(fields), "not a gRPC request\n");
        co_return;
    }
    const auto method = methods_.find(request.path);
    if (method == methods_.end()) {
        const std::string unknown = "unknown method " + request.path;
        co_await finish(response, Status::unimplemented, unknown);
        co_return;
    }
    ServerCall call(request, response, limits_);
    Outcome outcome;
    const auto timeout = parse_timeout(request.field("grpc-timeout"));
    auto work = run_method(method->second, call);
    if (timeout) {
        asio::steady_timer timer(co_await asio::this_coro::executor, *timeout);
        // The first to finish cancels the other: a method past its deadline is cancelled.
        auto expiry = timer.async_wait(asio::use_awaitable);
        auto r = co_await (std::move(work) || std::move(expiry));
        if (r.index() == 0) {
            outcome = std::move(std::get<0>(r));
        } else {
            outcome = {Status::deadline_exceeded, "deadline exceeded"};
        }
    } else {
        outcome = co_await std::move(work);
    }
    try {
        co_await finish(response, outcome.status, outcome.message);
    } catch (const std::exception&) {
        // The stream is gone (reset by the client, connection closed): nobody to tell.
    }
}

}  // namespace h2::runtime::grpc
