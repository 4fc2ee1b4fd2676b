// h2hpack: decodes or encodes hpack-test-case stories with libh2's HPACK.
//
//   h2hpack decode STORY.json   decode each case's "wire"; print the story with "headers"
//   h2hpack encode STORY.json   encode each case's "headers"; print it with "wire" and
//                               "header_table_size"
//
// STORY.json may be "-" for standard input. Errors go to stderr; the exit status is 0 on
// success, 1 when the story cannot be decoded or encoded, 2 on a usage error.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "../common/story.hpp"

namespace {

int usage() {
    std::cerr << "usage: h2hpack decode|encode STORY.json   (- reads standard input)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return usage();
    const std::string mode = argv[1];
    const std::string path = argv[2];
    if (mode != "decode" && mode != "encode") return usage();
    try {
        const std::string text =
            path == "-" ? std::string(std::istreambuf_iterator<char>(std::cin), {}) : h2::story::read_file(path);
        h2::story::Json story = h2::story::Json::parse(text);
        if (mode == "decode") {
            h2::story::decode_story(story);
        } else {
            h2::story::encode_story(story);
        }
        std::cout << story.dump(2) << '\n';
        return std::cout.good() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "h2hpack: " << path << ": " << e.what() << '\n';
        return 1;
    }
}
