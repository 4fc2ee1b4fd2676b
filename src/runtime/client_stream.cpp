#include "client_stream.hpp"

#include "hop.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

ClientStream::ClientStream(HandleHost& host, StreamId id, const asio::any_io_executor& executor,
                           std::chrono::seconds stall_timeout, std::shared_ptr<const ConnectionFate> fate)
    : StreamHandle(host, id, executor, stall_timeout), fate_(std::move(fate)) {}

void ClientStream::on_response_head(const HeadersReceived& h) {
    int code = 0;
    FieldVector regular;
    regular.reserve(h.fields.size());
    for (const auto& f : h.fields) {
        if (f.name == ":status") {
            for (char c : f.value) code = code * 10 + (c - '0');
        } else {
            regular.emplace_back(f.name, f.value);
        }
    }
    if (h.kind == HeadersKind::informational) {
        informational.push_back({code, std::move(regular)});
        return;
    }
    status = code;
    fields = std::move(regular);
    head_ = true;
    if (h.end_stream) {
        on_end_of_inbound();
    } else {
        read_signal().cancel();
    }
}

void ClientStream::expire() noexcept {
    if (gone()) return;
    expired_ = true;
    reset(ErrorCode::cancel);
}

asio::awaitable<void> ClientStream::wait_head() {
    begin_wait();
    while (!head_) {
        if (gone()) rethrow();
        const bool signalled = co_await wait(read_signal());
        if (!signalled) stalled(true);
    }
}

asio::awaitable<std::span<const std::uint8_t>> ClientStream::read_body() {
    std::span<const std::uint8_t> piece;
    bool failed = false;
    try {
        piece = co_await read();
    } catch (const boost::system::system_error&) {
        failed = true;
    }
    if (failed) {
        if (!gone()) throw CancelledError("the read was cancelled");
        rethrow();
    }
    co_return piece;
}

void ClientStream::rethrow() const {
    if (upload_error_) std::rethrow_exception(upload_error_);
    if (expired_) throw TimeoutError("the request took longer than its request_timeout");
    const Ending& e = ending();
    switch (e.kind) {
        case Ending::Kind::reset: {
            const std::string code(to_string(e.code));
            if (e.initiator == Initiator::local) {
                if (e.code == ErrorCode::cancel) throw CancelledError("the request was cancelled");
                throw StreamResetError(e.code, "the stream was reset for the server's error (" + code + ")");
            }
            if (e.code == ErrorCode::refused_stream) {
                throw NotProcessed{std::make_exception_ptr(
                    StreamResetError(e.code, "the server refused the stream (REFUSED_STREAM)"))};
            }
            throw StreamResetError(e.code, "the server reset the stream (" + code + ")");
        }
        case Ending::Kind::not_processed:
            throw NotProcessed{std::make_exception_ptr(
                GoawayError(fate_->goaway_code, "the server's GOAWAY left the request unprocessed (" +
                                                    std::string(to_string(fate_->goaway_code)) + ")"))};
        case Ending::Kind::stalled:
            throw TimeoutError("no progress on the stream for read_timeout");
        case Ending::Kind::none:
        case Ending::Kind::connection:
            break;
    }
    if (fate_->failed) std::rethrow_exception(fate_->failure());
    throw ProtocolFailure(ErrorCode::no_error,
                          "the connection closed before the response was complete" +
                              (fate_->io_error.empty() ? std::string() : " (" + fate_->io_error + ")"),
                          true);
}

std::exception_ptr ConnectionFate::failure() const {
    return std::make_exception_ptr(
        ProtocolFailure(code,
                        std::string(by_server ? "the server ended the connection: " : "connection error: ") +
                            std::string(to_string(code)) + (reason.empty() ? "" : ": " + reason),
                        by_server));
}

H2Response::~H2Response() {
    if (!done_) cancel();
}

void H2Response::cancel() noexcept {
    try {
        asio::post(stream_->executor(), [s = stream_, t = deadline_] {
            if (t) t->cancel();
            s->reset(ErrorCode::cancel);
        });
    } catch (...) {  // the executor is gone: so is the connection
    }
}

asio::awaitable<std::span<const std::uint8_t>> H2Response::read() {
    return on_executor(stream_->executor(), read_here());
}

asio::awaitable<std::span<const std::uint8_t>> H2Response::read_here() {
    const auto piece = co_await stream_->read_body();
    if (piece.empty()) {
        done_ = true;
        if (deadline_) deadline_->cancel();
    }
    co_return piece;
}

}  // namespace h2::runtime
