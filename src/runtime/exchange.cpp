#include "exchange.hpp"

#include <iostream>

#include "hop.hpp"

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
            co_await context.async_handler.function(request, response);
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
            } catch (...) {}
            std::cerr << "handler failed (" << request.method << " " << request.path << "): " << what << "\n";
        }
        bool answered = false;
        if (!response.head_sent()) {
            try {
                FieldVector fields{{"content-type", "text/plain"}};
                co_await response.respond(500, std::move(fields), "500 Internal Server Error\n");
                answered = true;
            } catch (...) {}
        }
        if (!answered) io.abort();
    }
    context.served(protocol, request.peer, request.method, request.path, response.head_sent() ? response.status() : 0,
                   response.body_octets());
}

H2Exchange::H2Exchange(HandleHost& host, StreamId id, const asio::any_io_executor& executor, std::chrono::seconds stall)
    : StreamHandle(host, id, executor, stall) {}

void H2Exchange::on_gone() noexcept {
    StreamHandle::on_gone();
    if (cancelled_) return;
    cancelled_ = true;
    cancel.emit(asio::cancellation_type::terminal);
}

asio::awaitable<std::span<const std::uint8_t>> H2Exchange::read_body() {
    return on_executor(executor(), read_with_trailers());
}

// At the end of the body, its trailers (if any) become the request's.
asio::awaitable<std::span<const std::uint8_t>> H2Exchange::read_with_trailers() {
    const auto piece = co_await read();
    if (piece.empty()) request.trailers = trailers();
    co_return piece;
}

asio::awaitable<void> H2Exchange::write_head(int status, std::span<const FieldView> fields, bool end) {
    return on_executor(executor(), send_head(status, FieldsRef{fields, nullptr}, end));
}

// RFC 8441 §5: a 2xx answer to the extended CONNECT opens the tunnel; DATA frames carry it.
asio::awaitable<int> H2Exchange::open_tunnel(std::span<const FieldView> fields) {
    co_await write_head(200, fields, false);
    set_tunnel();
    co_return 200;
}

asio::awaitable<void> H2Exchange::write_body(std::span<const std::uint8_t> data, bool end) {
    return on_executor(executor(), send_data(data, end));
}

asio::awaitable<void> H2Exchange::write_file(FileRange file) {
    auto source = std::make_shared<BodySource>();
    source->file = std::move(file);
    return on_executor(executor(), send_body(std::move(source)));
}

asio::awaitable<void> H2Exchange::write_trailers(const FieldVector& trailers) {
    return on_executor(executor(), send_trailers(FieldsRef{{}, &trailers}));
}

}  // namespace h2::runtime
