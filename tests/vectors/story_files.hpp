// Lists the hpack-test-case stories in ../shared (never copied into the repository).
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace h2::test {

inline std::filesystem::path hpack_test_case_dir() {
    return std::filesystem::path(LIBH2_SHARED_DIR) / "hpack-test-case";
}

// Every story_*.json of `folder` ("" = every folder but raw-data), sorted.
inline std::vector<std::string> story_files(const std::string& folder = "") {
    std::vector<std::string> out;
    const auto root = hpack_test_case_dir();
    if (!std::filesystem::is_directory(root)) return out;
    for (const auto& dir : std::filesystem::directory_iterator(root)) {
        if (!dir.is_directory()) continue;
        const std::string name = dir.path().filename().string();
        if (folder.empty() ? name == "raw-data" : name != folder) continue;
        for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
            const std::string file = f.path().filename().string();
            if (file.rfind("story_", 0) == 0 && f.path().extension() == ".json") {
                out.push_back(f.path().string());
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// "go-hpack/story_08.json" -> "go_hpack_story_08", for test names.
inline std::string story_test_name(const std::string& path) {
    const std::filesystem::path p(path);
    std::string s = p.parent_path().filename().string() + "_" + p.stem().string();
    for (char& c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return s;
}

}  // namespace h2::test
