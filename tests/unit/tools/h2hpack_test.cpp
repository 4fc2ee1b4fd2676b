// h2hpack as a user runs it: exit status, stdout and stderr.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <fstream>

#include "story.hpp"

namespace {

struct CliRun {
    int status;
    std::string out;
    std::string err;
};

CliRun h2hpack(const std::string& args, const std::string& stdin_text = "") {
    // Unique per process and test: CTest runs tests in parallel.
    const std::string dir = ::testing::TempDir() + "h2hpack_" + std::to_string(getpid()) + "_" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    const std::string in = dir + ".stdin", err = dir + ".stderr";
    std::ofstream(in) << stdin_text;
    const std::string cmd = std::string(LIBH2_H2HPACK) + " " + args + " < " + in + " 2> " + err;
    CliRun r{};
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.err = h2::story::read_file(err);
    std::remove(in.c_str());
    std::remove(err.c_str());
    return r;
}

const std::string kStory = std::string(LIBH2_SHARED_DIR) + "/hpack-test-case/nghttp2/story_00.json";

}  // namespace

TEST(H2hpackCli, DecodePrintsTheStoryWithDecodedHeaders) {
    const CliRun r = h2hpack("decode " + kStory);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto got = h2::story::Json::parse(r.out);
    const auto want = h2::story::Json::parse(h2::story::read_file(kStory));
    const auto& gc = got.at("cases");
    const auto& wc = want.at("cases");
    ASSERT_EQ(gc.size(), wc.size());
    for (std::size_t i = 0; i < gc.size(); ++i) {
        EXPECT_EQ(h2::story::case_headers(gc[i]), h2::story::case_headers(wc[i]));
        EXPECT_EQ(gc[i].at("wire"), wc[i].at("wire"));
    }
}

TEST(H2hpackCli, EncodeFillsWireAndTableSizeAndDecodesBack) {
    const std::string raw = std::string(LIBH2_SHARED_DIR) + "/hpack-test-case/raw-data/story_01.json";
    const CliRun enc = h2hpack("encode " + raw);
    ASSERT_EQ(enc.status, 0) << enc.err;
    const auto story = h2::story::Json::parse(enc.out);
    const auto& cases = story.at("cases");
    ASSERT_FALSE(cases.empty());
    EXPECT_EQ(cases[0].at("header_table_size"), 4096);
    EXPECT_FALSE(cases[0].at("wire").get<std::string>().empty());

    const CliRun dec = h2hpack("decode -", enc.out);  // our own output, through stdin
    ASSERT_EQ(dec.status, 0) << dec.err;
    const auto back = h2::story::Json::parse(dec.out);
    const auto& bc = back.at("cases");
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(h2::story::case_headers(bc[i]), h2::story::case_headers(cases[i]));
    }
}

TEST(H2hpackCli, UsageErrorExitsTwo) {
    EXPECT_EQ(h2hpack("").status, 2);
    EXPECT_EQ(h2hpack("inflate " + kStory).status, 2);
    EXPECT_NE(h2hpack("").err.find("usage"), std::string::npos);
}

TEST(H2hpackCli, MissingFileIsAClearError) {
    const CliRun r = h2hpack("decode /nonexistent/story.json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cannot open /nonexistent/story.json"), std::string::npos) << r.err;
}

TEST(H2hpackCli, MalformedJsonNamesLineAndColumn) {
    const CliRun r = h2hpack("decode -", "{\n  \"cases\": [ }\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(H2hpackCli, UndecodableWireNamesTheCaseAndTheReason) {
    const CliRun r = h2hpack("decode -", R"({"cases": [{"wire": "82"}, {"wire": "80"}]})");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("case 1: COMPRESSION_ERROR: index 0"), std::string::npos) << r.err;
}

TEST(H2hpackCli, BadHexIsRejected) {
    const CliRun r = h2hpack("decode -", R"({"cases": [{"wire": "8"}]})");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("odd number of hex digits"), std::string::npos) << r.err;
}

TEST(H2hpackCli, StoryWithoutCasesIsRejected) {
    const CliRun r = h2hpack("encode -", R"({"description": "x"})");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("no \"cases\" array"), std::string::npos) << r.err;
}
