#include "exchange.hpp"

#include <iostream>

namespace h2::runtime {

asio::awaitable<void> serve_exchange(const SessionContext& context, ServerRequest& request, ExchangeIo& io,
                                     std::string_view protocol) {
    ResponseWriter response(io, request.method == "HEAD");
    std::exception_ptr failure;
    try {
        if (context.is_metrics_request(request.method, request.path)) {
            // (GCC 12 cannot take a braced list of string literals inside co_await.)
            FieldVector fields{{"content-type", "text/plain; version=0.0.4"}};
            co_await response.respond(200, std::move(fields), context.metrics.prometheus(context.live_sessions.load()));
        } else {
            co_await context.async_handler->function(request, response);
            if (!response.finished()) co_await response.finish();
        }
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure && !io.gone()) {
        if (context.options.log_level >= LogLevel::error) {
            std::string what = "unknown exception";
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            std::cerr << "handler failed (" << request.method << " " << request.path << "): " << what << "\n";
        }
        bool answered = false;
        if (!response.head_sent()) {
            try {
                FieldVector fields{{"content-type", "text/plain"}};
                co_await response.respond(500, std::move(fields), "500 Internal Server Error\n");
                answered = true;
            } catch (...) {
            }
        }
        if (!answered) io.abort();
    }
    context.served(protocol, request.peer, request.method, request.path, response.head_sent() ? response.status() : 0,
                   response.body_octets());
}

H2Exchange::H2Exchange(StreamHost& host, StreamId id, const asio::any_io_executor& executor)
    : host_(host), id_(id), signal_(executor) {}

void H2Exchange::on_data(std::span<const std::uint8_t> data, bool end_stream) {
    if (end_stream) body_ended_ = true;
    if (completed_ || gone_) {
        // Nobody will read it: the credit goes back at once.
        host_.connection().release_received_data(id_, static_cast<std::uint32_t>(data.size()));
        host_.wake();
        return;
    }
    pending_.append(reinterpret_cast<const char*>(data.data()), data.size());
    signal_.cancel();
}

void H2Exchange::on_trailers(std::span<const hpack::HeaderField> fields) {
    for (const auto& f : fields) request.trailers.emplace_back(f.name, f.value);
    body_ended_ = true;
    signal_.cancel();
}

void H2Exchange::on_gone() noexcept {
    gone_ = true;
    signal_.cancel();
    cancel.emit(asio::cancellation_type::terminal);
}

void H2Exchange::complete() {
    completed_ = true;
    release_read();
    if (!pending_.empty()) {
        host_.connection().release_received_data(id_, static_cast<std::uint32_t>(pending_.size()));
        host_.wake();
        pending_.clear();
    }
}

void H2Exchange::check() const {
    if (gone_) throw boost::system::system_error(asio::error::connection_reset, "stream reset");
}

void H2Exchange::release_read() {
    if (reading_.empty()) return;
    host_.connection().release_received_data(id_, static_cast<std::uint32_t>(reading_.size()));
    reading_.clear();
    host_.wake();
}

asio::awaitable<bool> H2Exchange::wait() {
    signal_.expires_after(host_.context().options.stream_stall_timeout);
    const auto [ec] = co_await signal_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return true;  // signalled (or cancelled: check() tells)
    // SECURITY-PLAN SEC-15g: a stream that neither sends its body nor lets our response
    // through is not held forever.
    if (!gone_) {
        host_.connection().reset_stream(id_, ErrorCode::cancel);
        host_.wake();
        gone_ = true;
    }
    co_return false;
}

asio::awaitable<std::span<const std::uint8_t>> H2Exchange::read_body() {
    release_read();
    while (pending_.empty() && !body_ended_) {
        check();
        co_await wait();
    }
    check();
    std::swap(pending_, reading_);
    co_return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(reading_.data()), reading_.size());
}

asio::awaitable<void> H2Exchange::write_head(int status, std::span<const FieldView> fields, bool end) {
    check();
    char code[3];  // ResponseWriter keeps status in 200-999
    const auto& list = head_fields(host_.field_scratch(), status, fields, code);
    if (host_.connection().submit_response(id_, list, end) != SubmitError::none) gone_ = true;
    check();
    host_.wake();
    co_return;
}

asio::awaitable<void> H2Exchange::write_body(std::span<const std::uint8_t> data, bool end) {
    for (;;) {
        check();
        SubmitError error{};
        const std::size_t taken = host_.connection().submit_data(id_, data, end, &error);
        if (error != SubmitError::none) gone_ = true;
        check();
        data = data.subspan(taken);
        host_.wake();
        if (data.empty()) co_return;
        co_await wait();  // StreamWritable, or a reset
    }
}

asio::awaitable<void> H2Exchange::write_file(FileRange file) {
    check();
    host_.send_file(id_, std::move(file));
    host_.wake();
    co_return;
}

asio::awaitable<void> H2Exchange::write_trailers(const FieldVector& trailers) {
    check();
    auto& list = host_.field_scratch();
    list.clear();
    for (const auto& [n, v] : trailers) list.push_back({n, v});
    if (host_.connection().submit_trailers(id_, list) != SubmitError::none) gone_ = true;
    check();
    host_.wake();
    co_return;
}

void H2Exchange::abort() noexcept {
    if (gone_) return;
    gone_ = true;
    host_.connection().reset_stream(id_, ErrorCode::internal_error);
    host_.wake();
}

}  // namespace h2::runtime
