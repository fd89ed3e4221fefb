#include <ocrt/container/config_snapshot.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/log.hpp>
#include <ocrt/spec/load.hpp>

namespace ocrt::container {

Result<spec::Config> parse_config_text(const std::string &text) {
    spec::ParsedConfig parsed = spec::parse_config(text);
    for (const spec::Diagnostic &warning : parsed.warnings) log::debug(spec::render(warning));
    if (!parsed.errors.empty()) {
        std::string all;
        for (const spec::Diagnostic &diagnostic : parsed.errors) {
            if (!all.empty()) all += "\n";
            all += spec::render(diagnostic);
        }
        return Error(all);
    }
    return std::move(*parsed.config);
}

Result<void> save_config_snapshot(ContainerDir &dir, const std::string &text) {
    auto written = fs::write_file_atomic(dir.fd(), kConfigSnapshotName, text, 0600);
    if (!written) return std::move(written).error().wrap("save config snapshot");
    return ok();
}

Result<spec::Config> load_config_snapshot(const std::string &state_dir) {
    std::string path = state_dir + "/" + kConfigSnapshotName;
    std::string text = OCRT_TRY(fs::read_file(path));
    auto config = parse_config_text(text);
    if (!config) return std::move(config).error().wrap("container config snapshot \"" + path + "\"");
    return config;
}

}  // namespace ocrt::container
