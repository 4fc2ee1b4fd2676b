#include <gtest/gtest.h>

#include "h2/frame/settings.hpp"
#include "test_util.hpp"

using namespace h2::frame;
using h2::ErrorCode;

namespace {
std::uint16_t id(SettingId s) { return static_cast<std::uint16_t>(s); }
}  // namespace

TEST(Settings, EnablePushAboveOneIsProtocolError) {
    EXPECT_FALSE(validate_setting({id(SettingId::enable_push), 1}));
    const auto err = validate_setting({id(SettingId::enable_push), 2});
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, ErrorCode::protocol_error);
    EXPECT_EQ(err->scope, h2::ErrorScope::connection);
}

TEST(Settings, InitialWindowAboveMaximumIsFlowControlError) {
    EXPECT_FALSE(validate_setting({id(SettingId::initial_window_size), 0x7fffffff}));
    const auto err = validate_setting({id(SettingId::initial_window_size), 0x80000000u});
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, ErrorCode::flow_control_error);
}

TEST(Settings, MaxFrameSizeOutsideItsRangeIsProtocolError) {
    EXPECT_TRUE(validate_setting({id(SettingId::max_frame_size), 16383}));
    EXPECT_FALSE(validate_setting({id(SettingId::max_frame_size), 16384}));
    EXPECT_FALSE(validate_setting({id(SettingId::max_frame_size), 16777215}));
    EXPECT_TRUE(validate_setting({id(SettingId::max_frame_size), 16777216}));
}

TEST(Settings, ConnectProtocolAndNoRfc7540PrioritiesAreBooleans) {
    EXPECT_FALSE(validate_setting({id(SettingId::enable_connect_protocol), 1}));
    EXPECT_TRUE(validate_setting({id(SettingId::enable_connect_protocol), 2}));
    EXPECT_FALSE(validate_setting({id(SettingId::no_rfc7540_priorities), 1}));
    EXPECT_TRUE(validate_setting({id(SettingId::no_rfc7540_priorities), 2}));
}

TEST(Settings, UnknownIdentifiersAndUnboundedSettingsAreAccepted) {
    EXPECT_FALSE(validate_setting({0x1234, 0xffffffffu}));
    EXPECT_FALSE(validate_setting({id(SettingId::header_table_size), 0xffffffffu}));
    EXPECT_FALSE(validate_setting({id(SettingId::max_concurrent_streams), 0}));
}

TEST(SettingsView, DecodesEntriesInOrder) {
    const auto payload = h2::test::hex("0003 00000064 0004 0000ffff 00ff 00000001");
    const SettingsView v(payload);
    ASSERT_EQ(v.size(), 3u);
    std::vector<Setting> got(v.begin(), v.end());
    EXPECT_EQ(got[0], (Setting{3, 100}));
    EXPECT_EQ(got[1], (Setting{4, 65535}));
    EXPECT_EQ(got[2], (Setting{0xff, 1}));
}
