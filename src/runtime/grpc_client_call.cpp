// grpc::ClientCall: the request's body is a writer that stays open while the application
// writes (each write goes straight through it, waiting for the window); the response is read
// a message at a time. grpc::call (grpc_client.cpp) is built on it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "grpc_framing.hpp"
#include "h2/runtime/grpc_client.hpp"
#include "hop.hpp"
#include "open_body.hpp"

namespace h2::runtime::grpc {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct ClientCall::State {
    explicit State(const asio::any_io_executor& ex)
        : executor(ex), body(std::make_shared<runtime::OpenBody>(ex)), head(ex, Clock::time_point::max()) {}

    asio::any_io_executor executor;
    Limits limits;
    std::shared_ptr<runtime::OpenBody> body;  // the messages, framed
    // The response.
    std::optional<ClientResponse> response;
    std::exception_ptr failure;
    bool head_done = false, ended = false, cancelled = false;
    asio::steady_timer head;  // (waiter: read)
    std::string pending;
    std::size_t consumed = 0;  // octets of `pending` already given (dropped once per piece)
    Status status = Status::unknown;
    std::string message;
    FieldVector trailers;

    void close_writes() noexcept { body->close(); }
    void finish(const ClientResponse& r);
};

namespace {

std::string_view find(const FieldVector& fields, std::string_view name) {
    for (const auto& [n, v] : fields) {
        if (n == name) return v;
    }
    return {};
}

asio::awaitable<void> send(std::shared_ptr<ClientCall::State> s, Client* client, ClientRequest request) {
    try {
        s->response.emplace(co_await client->request(std::move(request)));
        if (s->cancelled) s->response->cancel();
    } catch (...) {
        s->failure = std::current_exception();
        s->close_writes();
    }
    s->head_done = true;
    s->head.cancel();
}

asio::awaitable<void> write_here(std::shared_ptr<ClientCall::State> s, std::string message) {
    if (s->failure) std::rethrow_exception(s->failure);
    const std::string octets = framed(message);
    const std::span<const std::uint8_t> view(reinterpret_cast<const std::uint8_t*>(octets.data()), octets.size());
    const bool written = co_await s->body->write(view);
    if (written) co_return;
    if (s->failure) std::rethrow_exception(s->failure);  // the request failed: it closed the body
    throw CancelledError("the call's messages have ended");
}

asio::awaitable<void> close_here(std::shared_ptr<ClientCall::State> s) {
    s->close_writes();
    co_return;
}

asio::awaitable<std::optional<std::string>> read_here(std::shared_ptr<ClientCall::State> s) {
    while (!s->head_done) {
        s->head.expires_at(Clock::time_point::max());
        co_await s->head.async_wait(kTuple);
    }
    if (s->failure) std::rethrow_exception(s->failure);
    if (s->ended) co_return std::nullopt;
    ClientResponse& r = *s->response;
    for (;;) {
        const std::size_t have = s->pending.size() - s->consumed;
        if (have >= kPrefix) {
            const std::size_t n = message_length(s->pending.data() + s->consumed);
            if (n > s->limits.max_receive_message) {
                r.cancel();
                s->ended = true;
                s->close_writes();
                s->status = Status::resource_exhausted;
                s->message = "reply larger than " + std::to_string(s->limits.max_receive_message);
                co_return std::nullopt;
            }
            if (have >= kPrefix + n) {
                std::string m = s->pending.substr(s->consumed + kPrefix, n);
                s->consumed += kPrefix + n;
                co_return m;
            }
        }
        const auto piece = co_await r.read();
        if (piece.empty()) {
            s->finish(r);
            co_return std::nullopt;
        }
        s->pending.erase(0, s->consumed);
        s->consumed = 0;
        s->pending.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    }
}

}  // namespace

// The status from the trailers (or a trailers-only response's fields).
void ClientCall::State::finish(const ClientResponse& r) {
    ended = true;
    close_writes();
    trailers = r.trailers().empty() ? r.fields : r.trailers();
    const std::string_view code = find(trailers, "grpc-status");
    if (r.status != 200 || code.empty()) {
        status = r.status == 200 ? Status::internal : Status::unavailable;
        message = "no grpc-status (HTTP status " + std::to_string(r.status) + ")";
        return;
    }
    status = static_cast<Status>(std::atoi(std::string(code).c_str()));
    message = decode_message(find(trailers, "grpc-message"));
    if (pending.size() > consumed && status == Status::ok) {
        status = Status::internal;
        message = "the response ended inside a message";
    }
}

ClientCall ClientCall::start(Client& client, std::string url, std::optional<std::chrono::milliseconds> timeout,
                             Limits limits) {
    auto s = std::make_shared<State>(client.executor());
    s->limits = limits;
    FieldVector fields{{"content-type", "application/grpc"}, {"te", "trailers"}};
    if (timeout) fields.emplace_back("grpc-timeout", std::to_string(timeout->count()) + "m");
    ClientRequest request("POST", std::move(url), std::move(fields), runtime::OpenBody::body(s->body));
    asio::co_spawn(s->executor, send(s, &client, std::move(request)), asio::detached);
    return ClientCall(std::move(s));
}

ClientCall::~ClientCall() {
    if (state_ && !state_->ended) cancel();
}

asio::awaitable<void> ClientCall::write(std::string message) {
    return runtime::on_executor(state_->executor, write_here(state_, std::move(message)));
}

asio::awaitable<void> ClientCall::close_writes() { return runtime::on_executor(state_->executor, close_here(state_)); }

asio::awaitable<std::optional<std::string>> ClientCall::read() {
    return runtime::on_executor(state_->executor, read_here(state_));
}

void ClientCall::cancel() noexcept {
    try {
        asio::post(state_->executor, [s = state_] {
            s->cancelled = true;
            s->close_writes();
            if (s->response && !s->ended) s->response->cancel();
        });
    } catch (...) {  // the executor is gone: so is the call
    }
}

Status ClientCall::status() const noexcept { return state_->status; }
const std::string& ClientCall::message() const noexcept { return state_->message; }
const FieldVector& ClientCall::trailers() const noexcept { return state_->trailers; }

}  // namespace h2::runtime::grpc
