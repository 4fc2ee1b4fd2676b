// StreamSocket: each operation runs as a coroutine of its core on the connection's executor;
// its result goes to the caller's completion handler on the handler's executor. The server's
// core (an exchange: request body in, response out) is here; the client's are in
// client_websocket.cpp.
#include "h2/runtime/stream_socket.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "http1_head.hpp"
#include "stream_socket_core.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::size_t kGather = 64 * 1024;
constexpr auto kDrainLimit = std::chrono::seconds(5);
}  // namespace

error_code code_of(std::exception_ptr e) noexcept {
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& x) {
        return x.code();
    } catch (const std::logic_error&) {
        return asio::error::broken_pipe;  // written after our side ended
    } catch (...) {}
    return asio::error::connection_reset;
}

std::size_t copy_into(std::span<const std::uint8_t>& piece, const StreamSocket::MutableBuffers& buffers,
                      std::size_t count) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < count && !piece.empty(); ++i) {
        const std::size_t take = std::min(piece.size(), buffers[i].size());
        if (take > 0) std::memcpy(buffers[i].data(), piece.data(), take);
        piece = piece.subspan(take);
        n += take;
    }
    return n;
}

std::span<const std::uint8_t> gather(const StreamSocket::ConstBuffers& buffers, std::size_t count,
                                     std::string& scratch) {
    std::size_t total = 0;
    std::size_t first = count;
    for (std::size_t i = 0; i < count; ++i) {
        total += buffers[i].size();
        if (first == count && buffers[i].size() > 0) first = i;
    }
    if (total == 0) return {};
    std::span<const std::uint8_t> out(static_cast<const std::uint8_t*>(buffers[first].data()), buffers[first].size());
    if (out.size() < total && out.size() < kGather) {
        // A frame header and its payload, say: one write (one DATA frame), not two.
        scratch.clear();
        for (std::size_t i = first; i < count && scratch.size() < kGather; ++i) {
            const std::size_t take = std::min(buffers[i].size(), kGather - scratch.size());
            scratch.append(static_cast<const char*>(buffers[i].data()), take);
        }
        out = {reinterpret_cast<const std::uint8_t*>(scratch.data()), scratch.size()};
    }
    return out;
}

asio::awaitable<SocketResult> StreamSocket::Core::read_pieces(const MutableBuffers& buffers, std::size_t count) {
    if (asio::buffer_size(std::span(buffers.data(), count)) == 0) co_return SocketResult{};
    try {
        while (piece_.empty()) {
            if (read_ended_) co_return SocketResult{asio::error::eof, 0};
            piece_ = co_await next_piece();
            if (piece_.empty()) read_ended_ = true;
        }
    } catch (...) {
        co_return SocketResult{code_of(std::current_exception()), 0};
    }
    co_return SocketResult{{}, copy_into(piece_, buffers, count)};
}

asio::awaitable<void> StreamSocket::Core::drain_pieces() {
    asio::steady_timer limit(executor, kDrainLimit);
    limit.async_wait([this](error_code ec) {
        if (!ec) give_up();  // (cancelled below before this core can go)
    });
    try {
        while (!read_ended_) {
            piece_ = co_await next_piece();
            read_ended_ = piece_.empty();
        }
    } catch (...) {  // reset or gone: as good as ended
    }
    piece_ = {};
    limit.cancel();
}

namespace {

// The server's side: the request body is what is read, the response what is written.
class ExchangeCore final : public StreamSocket::Core {
public:
    ExchangeCore(ServerRequest& request, ResponseWriter& response, asio::any_io_executor ex)
        : Core(std::move(ex)), request_(&request), response_(&response) {}

    asio::awaitable<SocketResult> read_some(StreamSocket::MutableBuffers buffers, std::size_t count) override {
        co_return co_await read_pieces(buffers, count);
    }

    asio::awaitable<SocketResult> write_some(StreamSocket::ConstBuffers buffers, std::size_t count) override {
        try {
            const auto out = gather(buffers, count, scratch_);
            if (out.empty()) co_return SocketResult{};
            if (translating_) co_return SocketResult{{}, co_await translate(out)};
            co_await response_->write(out);
            co_return SocketResult{{}, out.size()};
        } catch (...) {
            co_return SocketResult{code_of(std::current_exception()), 0};
        }
    }

    asio::awaitable<SocketResult> shutdown(bool drain) override {
        try {
            co_await response_->finish();
        } catch (...) {
            co_return SocketResult{code_of(std::current_exception()), 0};
        }
        // The peer's side, to its end; a peer that does not end it within the limit is reset.
        if (drain) co_await drain_pieces();
        co_return SocketResult{};
    }

    void give_up() noexcept override { response_->cancel(); }
    bool ended() const noexcept override { return response_->finished() && read_ended_; }
    bool http2() const noexcept override { return request_->version == 20; }
    void translate_http1_head(bool on) noexcept override {
        translating_ = on;
        head_.clear();
    }

private:
    asio::awaitable<std::span<const std::uint8_t>> next_piece() override { return request_->body.read(); }
    asio::awaitable<std::size_t> translate(std::span<const std::uint8_t> octets);

    ServerRequest* request_;
    ResponseWriter* response_;
    bool translating_ = false;  // the next writes are an HTTP/1.1 response head
    std::string head_;
    std::string scratch_;
};

// Beast's HTTP/1.1 response head, as this exchange's answer: on HTTP/2, 101 becomes the 200
// that opens the tunnel (RFC 8441 §5) and the HTTP/1.1-only fields are dropped; on HTTP/1.1
// the 101 goes out as it is. Any other status is a refusal, answered with its body.
asio::awaitable<std::size_t> ExchangeCore::translate(std::span<const std::uint8_t> octets) {
    head_.append(reinterpret_cast<const char*>(octets.data()), octets.size());
    const auto end = head_.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (head_.size() > 16 * 1024) throw std::runtime_error("response head too long");
        co_return octets.size();
    }
    translating_ = false;
    const Http1Head parsed = parse_http1_head(std::string_view(head_).substr(0, end + 4), http2());
    std::vector<FieldView> views;
    views.reserve(parsed.fields.size());
    for (const auto& [n, v] : parsed.fields) views.emplace_back(n, v);
    const std::string_view rest = std::string_view(head_).substr(end + 4);
    if (parsed.status == 101) {
        co_await response_->open_tunnel(views);
    } else {
        co_await response_->write_head(parsed.status, std::span<const FieldView>(views), false);
    }
    if (!rest.empty()) co_await response_->write(rest);
    co_return octets.size();
}

// Runs `op` on the core's executor; its result goes to `handler` on the handler's own
// executor. A cancellation of the operation gives the transport up.
void launch(const std::shared_ptr<StreamSocket::Core>& core, asio::awaitable<SocketResult> op,
            StreamSocket::Completion handler) {
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) {
        slot.assign([core](asio::cancellation_type) {
            core->closed = true;
            core->give_up();
        });
    }
    ++core->busy;
    asio::co_spawn(core->executor, std::move(op),
                   [core, slot, handler = std::move(handler)](std::exception_ptr e, SocketResult r) mutable {
                       --core->busy;
                       if (slot.is_connected()) slot.clear();
                       if (e) r = SocketResult{code_of(e), 0};
                       auto executor = asio::get_associated_executor(handler, core->executor);
                       asio::dispatch(executor, asio::append(std::move(handler), r.ec, r.n));
                   });
}

}  // namespace

StreamSocket::StreamSocket(ServerRequest& request, ResponseWriter& response, executor_type executor)
    : core_(std::make_shared<ExchangeCore>(request, response, std::move(executor))) {}

StreamSocket::StreamSocket(std::shared_ptr<Core> core) noexcept : core_(std::move(core)) {}

StreamSocket::~StreamSocket() {
    // An operation still running would outlive what it works on: give it up.
    if (core_ && core_->busy > 0) core_->give_up();
}

StreamSocket::executor_type StreamSocket::get_executor() const noexcept { return core_->executor; }

void StreamSocket::close() noexcept {
    if (!core_ || core_->closed) return;
    core_->closed = true;
    if (!core_->ended()) core_->give_up();
}

bool StreamSocket::is_open() const noexcept { return core_ && !core_->closed; }
bool StreamSocket::http2() const noexcept { return core_ && core_->http2(); }
void StreamSocket::translate_http1_head(bool on) noexcept { core_->translate_http1_head(on); }

void StreamSocket::start_read(const MutableBuffers& buffers, std::size_t count, Completion handler) {
    launch(core_, core_->read_some(buffers, count), std::move(handler));
}

void StreamSocket::start_write(const ConstBuffers& buffers, std::size_t count, Completion handler) {
    launch(core_, core_->write_some(buffers, count), std::move(handler));
}

void StreamSocket::start_shutdown(bool drain, Completion handler) {
    launch(core_, core_->shutdown(drain), std::move(handler));
}

}  // namespace h2::runtime
