// The whole public interface of the entitle engine.
#pragma once

#include <entitle/diagnostic.hpp>
#include <entitle/engine.hpp>
#include <entitle/ruleset.hpp>
#include <entitle/source.hpp>
#include <entitle/testing.hpp>
#include <entitle/diff.hpp>
#include <entitle/boundaries.hpp>
#include <entitle/projection.hpp>
