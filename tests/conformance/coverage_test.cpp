// Every case of ../shared/reference/h2spec-cases.txt has a test named after its ID.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

namespace {

// "generic/3.1/2" -> "H2spec_generic_3_1_Case2_"
std::string test_prefix(const std::string& group, const std::string& section, const std::string& n) {
    std::string s = "H2spec_" + group + "_" + section + "_Case" + n + "_";
    for (char& c : s) {
        if (c == '.') c = '_';
    }
    return s;
}

std::set<std::string> h2spec_case_prefixes() {
    std::ifstream in(std::string(LIBH2_SHARED_DIR) + "/reference/h2spec-cases.txt");
    std::set<std::string> out;
    std::string line, group, section;
    const std::regex section_re(R"(^\s+([0-9][0-9.]*?)\.? \S.*$)");
    const std::regex case_re(R"(^\s+([0-9]+): .*$)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (line.rfind("Generic tests", 0) == 0) group = "generic";
        else if (line.rfind("Hypertext Transfer Protocol", 0) == 0) group = "http2";
        else if (line.rfind("HPACK", 0) == 0) group = "hpack";
        else if (std::regex_match(line, m, case_re)) out.insert(test_prefix(group, section, m[1]));
        else if (std::regex_match(line, m, section_re)) section = m[1];
    }
    return out;
}

TEST(H2specCoverage, EveryH2specCaseHasATestNamedAfterItsId) {
    const auto cases = h2spec_case_prefixes();
    ASSERT_EQ(cases.size(), 147u) << "could not read the h2spec case list from " LIBH2_SHARED_DIR;
    std::set<std::string> names;
    const auto* unit = testing::UnitTest::GetInstance();
    for (int i = 0; i < unit->total_test_suite_count(); ++i) {
        const auto* suite = unit->GetTestSuite(i);
        for (int j = 0; j < suite->total_test_count(); ++j) names.insert(suite->GetTestInfo(j)->name());
    }
    std::size_t found = 0;
    for (const auto& prefix : cases) {
        const auto it = names.lower_bound(prefix);
        const bool ok = it != names.end() && it->rfind(prefix, 0) == 0;
        EXPECT_TRUE(ok) << "no test for " << prefix;
        found += ok;
    }
    EXPECT_EQ(found, 147u);
}

}  // namespace
