#include "client_body.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

namespace h2::runtime {

namespace asio = boost::asio;

RequestPayload open_payload(const ClientBody& body) {
    RequestPayload p;
    switch (body.kind()) {
        case ClientBody::Kind::none:
            p.length = 0;
            break;
        case ClientBody::Kind::memory:
            p.length = body.octets().size();
            break;
        case ClientBody::Kind::writer:
            break;
        case ClientBody::Kind::file: {
            const int fd = ::open(body.path().c_str(), O_RDONLY | O_CLOEXEC);
            struct stat st {};
            if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
                const int error = fd < 0 ? errno : EINVAL;
                if (fd >= 0) ::close(fd);
                throw std::system_error(error, std::generic_category(), "cannot read the body file " + body.path());
            }
            p.file = FileRange(fd, 0, static_cast<std::uint64_t>(st.st_size));
            p.length = static_cast<std::uint64_t>(st.st_size);
            break;
        }
    }
    return p;
}

namespace {
class StreamWriter final : public BodyWriter {
public:
    explicit StreamWriter(ClientStream& s) : stream_(s) {}
    asio::awaitable<void> write(std::span<const std::uint8_t> octets) override {
        if (!octets.empty()) co_await stream_.send_data(octets, false);
    }
    using BodyWriter::write;

private:
    ClientStream& stream_;
};
}  // namespace

asio::awaitable<void> upload(std::shared_ptr<ClientStream> stream, std::shared_ptr<const ClientBody> body,
                             RequestPayload payload) {
    std::exception_ptr failure;
    try {
        switch (body->kind()) {
            case ClientBody::Kind::none:
                co_await stream->send_data({}, true);
                break;
            case ClientBody::Kind::memory: {
                const std::string& o = body->octets();
                co_await stream->send_data({reinterpret_cast<const std::uint8_t*>(o.data()), o.size()}, true);
                break;
            }
            case ClientBody::Kind::file: {
                auto source = std::make_shared<BodySource>();
                source->file = std::move(payload.file);
                co_await stream->send_body(std::move(source));
                break;
            }
            case ClientBody::Kind::writer: {
                StreamWriter writer(*stream);
                co_await body->writer_function()(writer);
                co_await stream->send_data({}, true);
                break;
            }
        }
    } catch (const boost::system::system_error&) {
        // The stream went away: the response reports why.
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        stream->fail_upload(failure);
        stream->reset(ErrorCode::cancel);
    }
}

}  // namespace h2::runtime
