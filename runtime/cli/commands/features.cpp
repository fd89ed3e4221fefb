// ocrt features: the features document (features.md) on stdout; nothing on stderr,
// since CRI-O reads it with CombinedOutput.
#include "commands.hpp"
#include "output.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/spec/features.hpp>

namespace ocrt::cli {
namespace {

Result<int> run_features(const Invocation &) {
    OCRT_TRY(write_stdout(spec::features_json() + "\n"));
    return 0;
}

}  // namespace

const Command features_command{
    .name = "features",
    .summary = "print the features this runtime implements as JSON",
    .arguments = "",
    .flags = no_flags(),
    .min_args = 0,
    .max_args = 0,
    .order = FlagOrder::interspersed,
    .run = run_features,
};

}  // namespace ocrt::cli
