// Cycles in a graph the checker builds (records holding records; defines,
// tables, parameter defaults and scores using one another), found without
// recursion: a chain of ten thousand tables must not exhaust the stack.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace entitle::sema {

// Depth-first over nodes 0 .. out.size() - 1, where out[v] lists v's edges
// as (target, edge). For every edge that closes a cycle, `cycle` gets the
// cycle's edges in order, ending with the closing one.
template <typename Edge, typename Cycle>
void find_cycles(const std::vector<std::vector<std::pair<std::size_t, Edge>>>& out, Cycle cycle) {
    enum : char { fresh, on_path, done };
    std::vector<char> state(out.size(), fresh);
    struct frame {
        std::size_t node, next;
    };
    std::vector<frame> stack;
    std::vector<Edge> path;  // path[i] leads from stack[i] to stack[i + 1]
    for (std::size_t root = 0; root < out.size(); ++root) {
        if (state[root] != fresh) continue;
        state[root] = on_path;
        stack.push_back({root, 0});
        while (!stack.empty()) {
            frame& top = stack.back();
            if (top.next == out[top.node].size()) {
                state[top.node] = done;
                stack.pop_back();
                if (!path.empty()) path.pop_back();
                continue;
            }
            const auto& [to, edge] = out[top.node][top.next++];
            if (state[to] == fresh) {
                state[to] = on_path;
                path.push_back(edge);
                stack.push_back({to, 0});
            } else if (state[to] == on_path) {
                std::size_t from = 0;
                while (stack[from].node != to) ++from;
                std::vector<Edge> edges(path.begin() + static_cast<std::ptrdiff_t>(from), path.end());
                edges.push_back(edge);
                cycle(edges);
            }
        }
    }
}

}  // namespace entitle::sema
