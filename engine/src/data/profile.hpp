// Profiles: the facts about one subject, read from YAML or JSON and checked
// against the entity schema that the rules declare.
//
// A profile file is either an envelope
//     entity: Household        # which entity it describes
//     id: li-family            # optional
//     facts: { ... }           # the entity's fields
// or the facts alone (the entity then comes from the caller), where `as_of`
// and `id` (unless the entity has a field `id`) are the envelope's: the flat
// shape of exported records. A field that
// is left out is unknown; `null` is allowed only for `optional` fields and
// means known to be absent. Every mistake is reported with its field path
// (`children[1].birth_date`) and file position, all of them in one run.
#pragma once

#include "check/checker.hpp"
#include "eval/value.hpp"

#include <entitle/engine.hpp>

namespace entitle {

class profile {
public:
    eval::profile_store store;
    int entity = -1;  // record index of the subject
    std::string id;
    std::optional<civil_date> as_of;  // a date the profile asks to be evaluated at
};

class profile_set {
public:
    eval::profile_store store;
    int entity = -1;
    std::vector<eval::value> roots;
    std::vector<std::string> ids;
    std::vector<std::optional<civil_date>> as_ofs;  // the `as_of` each profile gives, if any
};

namespace data {

profile_result load_profile(const sema::program_data& schema, int ruleset,
                            std::shared_ptr<const source_file> text, const profile_options& options);

profile_set_result load_json_lines(const sema::program_data& schema, int ruleset,
                                   std::shared_ptr<const source_file> text, const profile_options& options);

}  // namespace data
}  // namespace entitle
