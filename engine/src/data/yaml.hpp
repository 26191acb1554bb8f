// The two things every reader of a YAML file here needs: the file parsed, or
// one diagnostic at the syntax error; and the source span of a node, so a
// later mistake is reported at the node that holds it.
#pragma once

#include <entitle/diagnostic.hpp>
#include <entitle/source.hpp>

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>

namespace entitle::data {

// The parsed document, or nothing with `code` reported: "not valid <what>: ...".
std::optional<YAML::Node> parse_yaml(const std::shared_ptr<const source_file>& text, const char* code,
                                     const char* what, diagnostics& diags);

// Where `n` stands: a scalar's whole text, else its first character.
span node_span(const YAML::Node& n);

}  // namespace entitle::data
