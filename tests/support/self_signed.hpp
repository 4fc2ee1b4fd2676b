// A self-signed certificate for 127.0.0.1 (openssl(1)), in a directory of its own, removed
// with the object.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace h2::test {

struct SelfSigned {
    std::string dir, cert, key;
    SelfSigned() {
        char tmpl[] = "/tmp/libh2-tls-XXXXXX";
        dir = ::mkdtemp(tmpl);
        cert = dir + "/cert.pem";
        key = dir + "/key.pem";
        const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
                                key + " -out " + cert +
                                " -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
    }
    ~SelfSigned() { std::system(("rm -rf " + dir).c_str()); }
    SelfSigned(const SelfSigned&) = delete;
    SelfSigned& operator=(const SelfSigned&) = delete;
};

}  // namespace h2::test
