// TlsWriter: records encrypted into a buffer of the connection's own, written in few sends, and
// the connection's BIO given back afterwards. Two OpenSSL endpoints over a socketpair.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "self_signed.hpp"
#include "tls_writer.hpp"

namespace {

using h2::runtime::TlsWriter;

// A server and a client SSL over a non-blocking socketpair, handshaken.
struct TlsPair {
    h2::test::SelfSigned cert;
    SSL_CTX* server_ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX* client_ctx = SSL_CTX_new(TLS_client_method());
    SSL* server = nullptr;
    SSL* client = nullptr;
    int fds[2] = {-1, -1};

    TlsPair() {
        if (SSL_CTX_use_certificate_chain_file(server_ctx, cert.cert.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(server_ctx, cert.key.c_str(), SSL_FILETYPE_PEM) != 1) {
            throw std::runtime_error("certificate");
        }
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) throw std::runtime_error("socketpair");
        server = SSL_new(server_ctx);
        client = SSL_new(client_ctx);
        SSL_set_fd(server, fds[0]);
        SSL_set_fd(client, fds[1]);
        SSL_set_mode(server, SSL_MODE_ENABLE_PARTIAL_WRITE);  // as asio's engine does
        SSL_set_accept_state(server);
        SSL_set_connect_state(client);
        for (int turns = 0; SSL_is_init_finished(server) == 0 || SSL_is_init_finished(client) == 0; ++turns) {
            if (turns > 1000) throw std::runtime_error("handshake did not finish");
            SSL_do_handshake(server);
            SSL_do_handshake(client);
        }
    }
    ~TlsPair() {
        SSL_free(server);
        SSL_free(client);
        SSL_CTX_free(server_ctx);
        SSL_CTX_free(client_ctx);
        ::close(fds[0]);
        ::close(fds[1]);
    }

    // Reads what the client receives until `want` octets came (the server's socket flushed by
    // `writer` whenever it has something pending).
    std::vector<std::uint8_t> client_reads(std::size_t want, TlsWriter* writer = nullptr) {
        std::vector<std::uint8_t> got(want);
        std::size_t have = 0;
        for (int idle = 0; have < want && idle < 100000; ++idle) {
            if (writer != nullptr && writer->pending()) writer->flush(fds[0]);
            const int n = SSL_read(client, got.data() + have, static_cast<int>(want - have));
            if (n > 0) have += static_cast<std::size_t>(n);
        }
        got.resize(have);
        return got;
    }
};

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    return v;
}

TEST(TlsWriter, ABatchIsEncryptedWholeIntoRecordsAndLeavesInFewSends) {
    TlsPair tls;
    TlsWriter writer(tls.server);
    const auto plain = pattern(100 * 1024 + 5);
    writer.encrypt(plain);
    // Seven records of at most 16 KiB, each with its header and tag, all pending at once.
    EXPECT_GT(writer.pending_octets(), plain.size() + 7 * 5);
    EXPECT_LT(writer.pending_octets(), plain.size() + 7 * 32);
    EXPECT_TRUE(writer.flush(tls.fds[0]));  // the socketpair takes 100 KiB in one send
    EXPECT_FALSE(writer.pending());
    EXPECT_EQ(tls.client_reads(plain.size()), plain);
}

TEST(TlsWriter, WhatTheSocketDoesNotTakeStaysPendingForTheNextFlush) {
    TlsPair tls;
    TlsWriter writer(tls.server);
    const auto plain = pattern(4 * 1024 * 1024);
    writer.encrypt(plain);
    EXPECT_FALSE(writer.flush(tls.fds[0]));  // more than a socket buffer
    EXPECT_TRUE(writer.pending());
    EXPECT_EQ(tls.client_reads(plain.size(), &writer), plain);
    EXPECT_FALSE(writer.pending());
}

TEST(TlsWriter, WhatOpenSSLSendsOnItsOwnGoesThroughTheWriterToo) {
    TlsPair tls;
    TlsWriter writer(tls.server);
    SSL_shutdown(tls.server);  // close_notify, as an alert a read could cause
    ASSERT_TRUE(writer.pending());
    EXPECT_TRUE(writer.flush(tls.fds[0]));
    char c;
    int n = 0;
    for (int i = 0; i < 1000 && (n = SSL_read(tls.client, &c, 1)) < 0; ++i) {}
    EXPECT_EQ(n, 0);
    EXPECT_EQ(SSL_get_error(tls.client, n), SSL_ERROR_ZERO_RETURN);
}

TEST(TlsWriter, TheConnectionGetsItsOwnBioBackWhenTheWriterEnds) {
    TlsPair tls;
    BIO* original = SSL_get_wbio(tls.server);
    {
        TlsWriter writer(tls.server);
        EXPECT_NE(SSL_get_wbio(tls.server), original);
        writer.encrypt(pattern(1000));
        EXPECT_TRUE(writer.flush(tls.fds[0]));
    }
    EXPECT_EQ(SSL_get_wbio(tls.server), original);
    const auto more = pattern(3000);
    ASSERT_EQ(SSL_write(tls.server, more.data(), static_cast<int>(more.size())), 3000);  // straight to the socket
    auto got = tls.client_reads(4000);
    ASSERT_EQ(got.size(), 4000u);
    EXPECT_EQ(std::vector<std::uint8_t>(got.begin() + 1000, got.end()), more);
}

TEST(TlsWriter, ReleaseFreesTheBufferOnlyWhenNothingIsPending) {
    TlsPair tls;
    TlsWriter writer(tls.server);
    writer.encrypt(pattern(64 * 1024));
    const std::size_t pending = writer.pending_octets();
    writer.release();
    EXPECT_EQ(writer.pending_octets(), pending);
    EXPECT_TRUE(writer.flush(tls.fds[0]));
    writer.release();
    EXPECT_EQ(tls.client_reads(64 * 1024), pattern(64 * 1024));
}

}  // namespace
