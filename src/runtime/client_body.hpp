// Request bodies on the client's side (internal header): a file opened before the request
// is sent, and the HTTP/2 upload of a body on its stream.
#pragma once

#include <boost/asio.hpp>

#include <memory>
#include <optional>

#include "client_stream.hpp"
#include "h2/runtime/client.hpp"

namespace h2::runtime {

struct RequestPayload {
    FileRange file;                       // a file body, open
    std::optional<std::uint64_t> length;  // known in advance (memory, file): content-length
};

// Opens a file body; throws std::system_error when it cannot (nothing was sent yet).
RequestPayload open_payload(const ClientBody& body);

// HTTP/2: the body on `stream`, ending it: memory with send_data, a file as external DATA, a
// writer's pieces as it writes them (each waits for the window). A writer's exception is kept
// for the response's error and resets the stream; a stream that went away ends it quietly
// (the response says why).
boost::asio::awaitable<void> upload(std::shared_ptr<ClientStream> stream, std::shared_ptr<const ClientBody> body,
                                    RequestPayload payload);

}  // namespace h2::runtime
