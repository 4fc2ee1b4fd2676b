#include <gtest/gtest.h>

#include "h2/frame/header_block.hpp"
#include "test_util.hpp"

using h2::frame::HeaderBlockAssembler;
using Status = HeaderBlockAssembler::Status;

TEST(HeaderBlockAssembler, SingleFrameBlockIsAViewOfTheFragment) {
    HeaderBlockAssembler a;
    const auto frag = h2::test::bytes("block");
    ASSERT_EQ(a.begin(frag, true), Status::complete);
    EXPECT_EQ(a.block().data(), frag.data());
    EXPECT_EQ(a.block().size(), 5u);
}

TEST(HeaderBlockAssembler, JoinsContinuations) {
    HeaderBlockAssembler a;
    ASSERT_EQ(a.begin(h2::test::bytes("ab"), false), Status::incomplete);
    ASSERT_EQ(a.append(h2::test::bytes("cd"), false), Status::incomplete);
    ASSERT_EQ(a.append(h2::test::bytes("e"), true), Status::complete);
    EXPECT_EQ(h2::test::str(a.block()), "abcde");
    EXPECT_EQ(a.continuations(), 2u);
}

TEST(HeaderBlockAssembler, TooManyContinuationsTripsEvenWhenEmpty) {
    // SECURITY-PLAN: CONTINUATION flood of empty frames.
    HeaderBlockAssembler a({1024, 3});
    ASSERT_EQ(a.begin({}, false), Status::incomplete);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(a.append({}, false), Status::incomplete);
    EXPECT_EQ(a.append({}, false), Status::too_many_continuations);
}

TEST(HeaderBlockAssembler, BlockAboveSizeLimitIsRefused) {
    HeaderBlockAssembler a({10, 100});
    EXPECT_EQ(a.begin(h2::test::Bytes(11, 'x'), true), Status::too_large);
    ASSERT_EQ(a.begin(h2::test::Bytes(6, 'x'), false), Status::incomplete);
    EXPECT_EQ(a.append(h2::test::Bytes(4, 'x'), false), Status::incomplete);
    EXPECT_EQ(a.append(h2::test::Bytes(1, 'x'), true), Status::too_large);
}

TEST(HeaderBlockAssembler, BeginResetsTheCount) {
    HeaderBlockAssembler a({1024, 1});
    a.begin({}, false);
    ASSERT_EQ(a.append(h2::test::bytes("x"), true), Status::complete);
    a.begin({}, false);
    EXPECT_EQ(a.append(h2::test::bytes("y"), true), Status::complete);
}
