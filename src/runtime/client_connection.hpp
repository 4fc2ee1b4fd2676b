// The client's connections (internal header): what the pool needs from one, whatever its
// protocol, and what a request looks like once prepared.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "h2/runtime/client.hpp"

namespace h2::runtime {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

struct PreparedRequest {
    std::string method;
    std::string protocol;     // extended CONNECT's :protocol, or empty
    bool http2_only = false;  // (ClientRequest::http2_only, or a protocol)
    Url url;
    std::string authority;  // url.authority(), made once
    std::string origin;     // scheme://authority: the pool's key
    FieldVector fields;     // regular fields, lower-case names, no connection-specific ones
    std::shared_ptr<const ClientBody> body;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// A request the server did not process (REFUSED_STREAM, above a GOAWAY's last stream id, or
// never sent): the pool may retry it elsewhere; `error` is what the application gets if not.
struct NotProcessed {
    std::exception_ptr error;
};

class ClientConnection {
public:
    virtual ~ClientConnection() = default;
    virtual bool http2() const noexcept = 0;
    // Can take a new request now (HTTP/2: not going away, ids left; HTTP/1.1: idle).
    virtual bool available() const noexcept = 0;
    // The server's limit is reached (HTTP/2): a new request would wait.
    virtual bool saturated() const noexcept = 0;
    virtual bool closed() const noexcept = 0;
    // Sends the request; returns once the response's header arrived. Throws a ClientError,
    // or NotProcessed when the request may be retried on another connection.
    virtual boost::asio::awaitable<ClientResponse> exchange(const PreparedRequest& request) = 0;
    // GOAWAY (HTTP/2) and close once the requests in flight are done.
    virtual void shutdown() noexcept = 0;
    // Called when the connection may take a request again or has closed (the pool's waiters).
    void on_change(std::function<void()> f) { changed_ = std::move(f); }

protected:
    void changed() const {
        if (changed_) changed_();
    }

private:
    std::function<void()> changed_;
};

// What a connection needs from its client (kept alive by the connections).
struct ClientShared {
    boost::asio::any_io_executor executor;
    ClientOptions options;
    std::shared_ptr<boost::asio::ssl::context> tls;  // made at the first https:// request
    mutable Client::Stats stats;                     // counted by the pool and the connections, on the executor
};

}  // namespace h2::runtime
