// Every case of ../shared/reference/h2spec-cases.txt has a test named after its ID.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
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

// Lines look like "    3.1. DATA" (a section) or "      2: Sends ..." (a case).
std::set<std::string> h2spec_case_prefixes() {
    std::ifstream in(std::string(LIBH2_SHARED_DIR) + "/reference/h2spec-cases.txt");
    std::set<std::string> out;
    std::string line, group, section;
    while (std::getline(in, line)) {
        if (line.rfind("Generic tests", 0) == 0) group = "generic";
        else if (line.rfind("Hypertext Transfer Protocol", 0) == 0) group = "http2";
        else if (line.rfind("HPACK", 0) == 0) group = "hpack";
        const std::size_t start = line.find_first_not_of(' ');
        if (start == 0 || start == std::string::npos || !std::isdigit(static_cast<unsigned char>(line[start])))
            continue;
        std::size_t end = start;
        while (end < line.size() && (std::isdigit(static_cast<unsigned char>(line[end])) || line[end] == '.')) ++end;
        if (end < line.size() && line[end] == ':') {
            out.insert(test_prefix(group, section, line.substr(start, end - start)));
        } else {
            std::string number = line.substr(start, end - start);
            if (!number.empty() && number.back() == '.') number.pop_back();
            section = number;
        }
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
