// The write side of a TLS connection after its handshake (internal header). Asio's stream
// encrypts through a 17 KiB BIO pair, so each of its writes carries one record: a 10 MiB body
// costs 640 socket writes of 16 KiB. Here records are encrypted into a buffer of ours (a BIO
// over it replaces the pair as the connection's write BIO for the writer's life), and a whole
// batch leaves in as few writes as the socket takes. Asio's stream keeps reading; whatever a
// read makes OpenSSL send (an alert, a KeyUpdate) lands in the same buffer for the next flush.
// The destructor gives the connection its BIO back.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <span>
#include <vector>

namespace h2::runtime {

class TlsWriter {
public:
    explicit TlsWriter(SSL* ssl);
    ~TlsWriter();
    TlsWriter(const TlsWriter&) = delete;
    TlsWriter& operator=(const TlsWriter&) = delete;

    // Encrypts all of `plain` (records of up to 16 KiB) behind what is pending. Throws
    // boost::system::system_error when OpenSSL fails.
    void encrypt(std::span<const std::uint8_t> plain);
    bool pending() const noexcept { return sent_ < out_.size(); }
    std::size_t pending_octets() const noexcept { return out_.size() - sent_; }
    // Writes what is pending as far as the socket takes it now (non-blocking). True when
    // nothing is left; throws boost::system::system_error on a socket error.
    bool flush(int fd);
    // Frees the buffer when nothing is pending (an idle connection keeps no batch-sized buffer).
    void release() noexcept;

private:
    static BIO_METHOD* method();  // made once per process
    static int on_write(BIO* bio, const char* data, int length);

    SSL* ssl_;
    BIO* original_;  // asio's, restored by the destructor
    std::vector<std::uint8_t> out_;
    std::size_t sent_ = 0;
};

}  // namespace h2::runtime
