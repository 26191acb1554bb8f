// The parser driver: runs the X3 grammar over one source file.
//
// It enforces the input limits (size, valid UTF-8, nesting depth) before or
// while parsing, turns X3 expectation failures into located diagnostics with
// words a user understands, and resynchronises at the next line that starts
// a declaration, so one run reports every syntax error it can. Declarations
// that parsed are kept even when others did not.
#pragma once

#include "parser/ast.hpp"

#include <entitle/diagnostic.hpp>
#include <entitle/ruleset.hpp>

#include <memory>

namespace entitle::parser {

struct parsed_file {
    std::shared_ptr<const source_file> source;
    bool has_header = false;  // false when the header itself did not parse
    ast::file tree;
};

parsed_file parse_file(std::shared_ptr<const source_file> source, const check_options& options,
                       diagnostics& diags);

// A readable S-expression of the tree, without spans; golden tests compare it.
std::string dump(const ast::file& tree);

}  // namespace entitle::parser
