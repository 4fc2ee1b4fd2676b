#include "tls_writer.hpp"

#include <openssl/err.h>
#include <sys/socket.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <new>

namespace h2::runtime {

namespace {

long on_ctrl(BIO*, int cmd, long, void*) {
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;  // records are complete once written to the buffer
}

int on_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

}  // namespace

int TlsWriter::on_write(BIO* bio, const char* data, int length) {
    BIO_clear_retry_flags(bio);
    auto* self = static_cast<TlsWriter*>(BIO_get_data(bio));
    const auto* octets = reinterpret_cast<const std::uint8_t*>(data);
    try {
        self->out_.insert(self->out_.end(), octets, octets + length);
    } catch (const std::bad_alloc&) {
        return -1;
    }
    return length;
}

BIO_METHOD* TlsWriter::method() {
    static BIO_METHOD* const m = [] {
        BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "libh2 TLS output");
        if (made == nullptr) throw std::bad_alloc();
        BIO_meth_set_write(made, &TlsWriter::on_write);
        BIO_meth_set_ctrl(made, on_ctrl);
        BIO_meth_set_create(made, on_create);
        return made;
    }();
    return m;
}

TlsWriter::TlsWriter(SSL* ssl) : ssl_(ssl), original_(SSL_get_wbio(ssl)) {
    BIO* bio = BIO_new(method());
    if (bio == nullptr) throw std::bad_alloc();
    BIO_set_data(bio, this);
    BIO_up_ref(original_);  // SSL_set0_wbio drops the connection's reference to it
    SSL_set0_wbio(ssl_, bio);
}

TlsWriter::~TlsWriter() {
    SSL_set0_wbio(ssl_, original_);  // frees ours; the reference taken above goes back
}

void TlsWriter::encrypt(std::span<const std::uint8_t> plain) {
    constexpr std::size_t kRecord = 16 * 1024, kOverhead = 32;  // at most 29 octets per record
    out_.reserve(out_.size() + plain.size() + (plain.size() / kRecord + 1) * kOverhead);
    while (!plain.empty()) {
        std::size_t n = 0;
        if (SSL_write_ex(ssl_, plain.data(), plain.size(), &n) != 1) {
            const unsigned long e = ERR_get_error();
            ERR_clear_error();
            throw boost::system::system_error(static_cast<int>(e), boost::asio::error::get_ssl_category(), "TLS write");
        }
        plain = plain.subspan(n);  // one record at a time: asio sets SSL_MODE_ENABLE_PARTIAL_WRITE
    }
}

bool TlsWriter::flush(int fd) {
    while (sent_ < out_.size()) {
        const ssize_t n = ::send(fd, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
            if (errno == EINTR) continue;
            throw boost::system::system_error(errno, boost::system::system_category(), "send");
        }
        sent_ += static_cast<std::size_t>(n);
    }
    out_.clear();
    sent_ = 0;
    return true;
}

void TlsWriter::release() noexcept {
    if (!pending()) std::vector<std::uint8_t>().swap(out_);
}

}  // namespace h2::runtime
