// An HTTP/2 request stream on the client's side (internal header): the handle the request's
// coroutine uses (head, body, response), its response as a ResponseSource, and how a stream
// that went away becomes the ClientError the application sees.
#pragma once

#include <boost/asio.hpp>

#include <memory>
#include <string>

#include "client_connection.hpp"
#include "stream_handle.hpp"

namespace h2::runtime {

// How the connection ended (shared by its streams, for their errors).
struct ConnectionFate {
    bool failed = false;  // a GOAWAY with an error either way
    ErrorCode code = ErrorCode::no_error;
    std::string reason;
    bool by_server = false;
    bool goaway_received = false;
    ErrorCode goaway_code = ErrorCode::no_error;
    std::string io_error;  // the socket's failure, if that ended it

    std::exception_ptr failure() const;  // a ProtocolFailure for a failed connection
};

class ClientStream final : public StreamHandle {
public:
    ClientStream(HandleHost& host, StreamId id, const boost::asio::any_io_executor& executor,
                 std::chrono::seconds stall_timeout, std::shared_ptr<const ConnectionFate> fate);

    // The owner's side: a 1xx or the final response header.
    void on_response_head(const HeadersReceived& h);

    // The request's side: until the final header arrived. Throws the stream's ClientError, or
    // NotProcessed.
    boost::asio::awaitable<void> wait_head();
    // The body, as ClientResponse::read wants it: ClientError instead of system errors.
    boost::asio::awaitable<std::span<const std::uint8_t>> read_body();
    // The error for a stream that went away.
    [[noreturn]] void rethrow() const;
    // The request's own deadline passed: RST_STREAM(CANCEL), reported as a timeout.
    void expire() noexcept;
    void fail_upload(std::exception_ptr e) noexcept { upload_error_ = std::move(e); }

    int status = 0;
    FieldVector fields;
    std::vector<InformationalResponse> informational;

private:
    std::shared_ptr<const ConnectionFate> fate_;
    bool head_ = false;
    bool expired_ = false;
    std::exception_ptr upload_error_;
};

// A ClientStream's response body for ClientResponse (operations hop to the connection's
// executor; an unfinished body is cancelled when the response is dropped).
class H2Response final : public ResponseSource {
public:
    H2Response(std::shared_ptr<ClientStream> stream, std::shared_ptr<boost::asio::steady_timer> deadline)
        : stream_(std::move(stream)), deadline_(std::move(deadline)) {}
    ~H2Response() override;

    boost::asio::awaitable<std::span<const std::uint8_t>> read() override;
    const FieldVector& trailers() const noexcept override { return stream_->trailers(); }
    void cancel() noexcept override;
    bool complete() const noexcept override { return done_; }

private:
    boost::asio::awaitable<std::span<const std::uint8_t>> read_here();

    std::shared_ptr<ClientStream> stream_;
    std::shared_ptr<boost::asio::steady_timer> deadline_;  // the request's; cancelled at the end
    bool done_ = false;
};

}  // namespace h2::runtime
