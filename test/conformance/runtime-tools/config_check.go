package main

import (
	"strings"

	"github.com/hashicorp/go-multierror"
	"github.com/opencontainers/runtime-tools/generate"
	"github.com/opencontainers/runtime-tools/validate"
)

// checkConfig runs runtime-tools' validate checks over the generated config,
// host-specific, before ocrt sees it: a case must start from a valid config.
// validate.CheckJSONSchema is left out: it fetches the schema from GitHub.
func (r *runner) checkConfig(l label, g *generate.Generator) {
	v, err := validate.NewValidator(g.Config, r.bundle, true, "linux")
	if err != nil {
		r.ok("", l, false, "config.json passes runtime-tools validate", err.Error())
		return
	}
	var errs *multierror.Error
	for _, check := range []func() error{v.CheckPlatform, v.CheckRoot, v.CheckMandatoryFields, v.CheckSemVer,
		v.CheckMounts, v.CheckProcess, v.CheckLinux, v.CheckAnnotations, v.CheckHooks} {
		errs = multierror.Append(errs, check())
	}
	var lines []string
	if err := errs.ErrorOrNil(); err != nil {
		lines = strings.Split(strings.TrimSpace(err.Error()), "\n")
	}
	r.ok("", l, len(lines) == 0, "config.json passes runtime-tools validate (host-specific)", lines...)
}
