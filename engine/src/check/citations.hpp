// Matching citations against the policy source text.
//
// The seed text came through a converter that wrote traditional characters
// and put pinyin in brackets after some of them (`國務(wù)院`); policy staff
// quote in simplified characters. Both sides are normalised the same way
// before a quote is looked up in its paragraph:
//   1. a bracketed run of lower-case pinyin letters right after a non-ASCII
//      character is dropped (`務(wù)` -> `務`; `(5G)` stays);
//   2. traditional characters become simplified (OpenCC's t2s);
//   3. full-width ASCII forms become ASCII (`，` -> `,`), white space goes.
// A paragraph is a line of the source file, numbered from 1.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entitle::sema {

std::string strip_pinyin(std::string_view text);

class text_normalizer {
public:
    // Fails (valid() is false) when OpenCC or its t2s data is missing.
    text_normalizer();
    ~text_normalizer();
    text_normalizer(const text_normalizer&) = delete;
    text_normalizer& operator=(const text_normalizer&) = delete;

    bool valid() const;
    std::string normalize(std::string_view text) const;

private:
    void* converter_;
};

// A source text split into normalised paragraphs (index 0 is paragraph 1).
struct cited_text {
    std::string path;
    std::vector<std::string> paragraphs;
};

}  // namespace entitle::sema
