// Command rtools-cgroups runs the checks of the OCI runtime-tools validation suite's
// linux_cgroups_* tests (absolute and relative cgroupsPath) against ocrt, written anew
// on top of Debian's packaged runtime-tools library: generate builds every config,
// validate checks it, and the cgroups package reads the values back for the
// container's pid. Where that library cannot read this host (hugetlb on the cgroup2
// side of a hybrid host, BFQ's blkio files, the cgroup's own realtime files, the
// kmem probe), own readers in own_readers.go do it, and the check line says so.
//
// Output: one TAP-like line per check ("ok - [cg:KEY] ..." / "not ok - ..."),
// "n/a - [cg:KEY] ..." for what this host lacks, and a last line
// "PASS: conformance-runtime-tools-cgroups: N checks" or
// "FAIL: conformance-runtime-tools-cgroups: X of Y checks failed".
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/cgroups"
	"github.com/opencontainers/runtime-tools/generate"
)

const suiteName = "conformance-runtime-tools-cgroups"

// runner holds the run's settings and its counts.
type runner struct {
	ocrt     string // the binary under test
	work     string // private temp dir
	state    string // its private --root
	bundle   string // one bundle, its config.json rewritten for every case
	tag      string // unique cgroup name prefix, "ocrt-test-rtools-<pid>"
	timeout  time.Duration
	checks   int
	failures int
	serial   int      // numbers the cases, so no two share a cgroup or an id
	made     []string // container ids to force-delete at the end
	lib      cgroups.Cgroup
	libErr   error
	host     hostFacts
}

// A check's label: the upstream test, the cgroupsPath kind and the case.
type label struct {
	test    string // e.g. "linux_cgroups_memory"
	variant string // "absolute" or "relative"
	caseNo  int    // 1-based within the test (0: only one case)
}

func (l label) String() string {
	s := fmt.Sprintf("runtime-tools %s (%s)", l.test, l.variant)
	if l.caseNo > 0 {
		s += fmt.Sprintf(" case %d", l.caseNo)
	}
	return s
}

func (r *runner) ok(key string, l label, cond bool, what string, diag ...string) bool {
	r.checks++
	tag := ""
	if key != "" {
		tag = "[cg:" + key + "] "
	}
	if cond {
		fmt.Printf("ok - %s%s: %s\n", tag, l, what)
		return true
	}
	r.failures++
	fmt.Printf("not ok - %s%s: %s\n", tag, l, what)
	for _, d := range diag {
		fmt.Printf("    %s\n", d)
	}
	return false
}

// na reports what this host cannot do; not counted as a pass or a fail.
func (r *runner) na(key string, l label, why string) {
	fmt.Printf("n/a - [cg:%s] %s: %s\n", key, l, why)
}

// note is a diagnostic line (TAP comment).
func note(format string, args ...interface{}) {
	fmt.Printf("# %s\n", strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " "))
}

// cgroupsPath gives the case its own cgroup: upstream's "/cgrouptest" and
// "testdir/cgrouptest/container", under this run's unique prefix.
func (r *runner) cgroupsPath(variant string, serial int) string {
	if variant == "absolute" {
		// One level below the root, as upstream's "/cgrouptest": a realtime
		// runtime needs a parent with RT budget, and only the root has one.
		return fmt.Sprintf("/%s-cgrouptest-%d", r.tag, serial)
	}
	return fmt.Sprintf("%s/testdir/cgrouptest/container-%d", r.tag, serial)
}

// newGenerator is the runtime-tools default Linux config, made to run in our bundle.
func (r *runner) newGenerator() (*generate.Generator, error) {
	g, err := generate.New("linux")
	if err != nil {
		return nil, err
	}
	g.SetRootPath("rootfs")
	g.SetProcessArgs([]string{"sleep", "1000"})
	return &g, nil
}

// verifyFunc reads the container's cgroups back; the config is what was created.
type verifyFunc func(l label, config *rspec.Spec, state *rspec.State)

// outcome of one create.
type created struct {
	id    string
	state rspec.State
	spec  *rspec.Spec
}

// create validates g's config, writes it and runs `ocrt create`; on success the
// caller must call r.remove. It returns nil (after reporting why) when create failed.
func (r *runner) create(l label, g *generate.Generator, variant string) *created {
	r.serial++
	g.SetLinuxCgroupsPath(r.cgroupsPath(variant, r.serial))
	id := fmt.Sprintf("%s-%d", r.tag, r.serial)
	r.checkConfig(l, g)
	if err := g.SaveToFile(filepath.Join(r.bundle, "config.json"), generate.ExportOptions{}); err != nil {
		r.ok("", l, false, "config.json written", err.Error())
		return nil
	}
	r.made = append(r.made, id)
	out, err := r.run("create", "--bundle", r.bundle, id)
	if !r.ok("", l, err == nil, "ocrt create succeeds", "error: "+errString(err), "output: "+out) {
		return nil
	}
	out, err = r.run("state", id)
	var st rspec.State
	if err == nil {
		err = json.Unmarshal([]byte(out), &st)
	}
	if !r.ok("", l, err == nil && st.Pid > 0 && st.Status == rspec.StateCreated,
		"ocrt state reports a created container with its pid", "error: "+errString(err), "state: "+out) {
		r.remove(l, &created{id: id, spec: g.Config})
		return nil
	}
	return &created{id: id, state: st, spec: g.Config}
}

// runCase creates, verifies, deletes and checks nothing is left behind.
func (r *runner) runCase(l label, g *generate.Generator, variant string, verify verifyFunc) {
	c := r.create(l, g, variant)
	if c == nil {
		return
	}
	r.checkPlacement(l, c)
	verify(l, c.spec, &c.state)
	r.remove(l, c)
}

// remove force-deletes the container and checks that none of its cgroup
// directories, nor the parents ocrt made for it, remain in any hierarchy.
func (r *runner) remove(l label, c *created) {
	before := map[string]string{}
	if c.state.Pid > 0 {
		before = procCgroups(c.state.Pid)
	}
	out, err := r.run("delete", "--force", c.id)
	r.ok("cmd.delete", l, err == nil, "ocrt delete --force succeeds", "error: "+errString(err), "output: "+out)
	var left []string
	for controllers, path := range before {
		mount := hierarchyMount(controllers)
		if mount == "" || !strings.Contains(path, r.tag) {
			continue
		}
		// The container's cgroup and every parent named after this run.
		for dir := filepath.Join(mount, path); strings.Contains(dir, "/"+r.tag); dir = filepath.Dir(dir) {
			if _, err := os.Stat(dir); err == nil {
				left = append(left, dir)
			}
		}
	}
	r.ok("cmd.delete", l, len(before) > 0 && len(left) == 0,
		"delete leaves no cgroup directory behind in any hierarchy",
		fmt.Sprintf("hierarchies seen: %d; left: %v", len(before), left))
}

// checkPlacement: the init sits in cgroupsPath itself (absolute, config-linux.md:
// "relative to the cgroups mount point") or, relative, in cgroupsPath below the
// runtime's own cgroup of that hierarchy (the runtime-determined location ocrt
// uses, as runc does; ocrt inherits this program's cgroups), in every v1 hierarchy.
func (r *runner) checkPlacement(l label, c *created) {
	want := c.spec.Linux.CgroupsPath
	key := "place.absolute"
	if !filepath.IsAbs(want) {
		key = "place.relative"
	}
	own := procCgroups(os.Getpid())
	var wrong []string
	for _, ctl := range []string{"memory", "cpu", "cpuset", "pids", "blkio", "devices"} {
		got, err := cgroups.GetSubsystemPath(c.state.Pid, ctl)
		if err != nil {
			wrong = append(wrong, ctl+": "+err.Error())
			continue
		}
		expected := want
		if key == "place.relative" {
			for controllers, path := range own {
				if contains(strings.Split(controllers, ","), ctl) {
					expected = filepath.Join(path, want)
				}
			}
		}
		if got != expected {
			wrong = append(wrong, fmt.Sprintf("%s: %s (expected %s)", ctl, got, expected))
		}
	}
	what := fmt.Sprintf("the init's cgroup is %q in every v1 hierarchy (cgroups.GetSubsystemPath)", want)
	if key == "place.relative" {
		what = fmt.Sprintf("the init's cgroup is %q below ocrt's own cgroup in every v1 hierarchy (cgroups.GetSubsystemPath)", want)
	}
	r.ok(key, l, len(wrong) == 0, what, wrong...)
}

// run runs ocrt with our state root; stdout and stderr together. They go to a
// file, never a pipe: a created container's init keeps its stdio open, so a pipe
// would not reach EOF until the container is gone.
func (r *runner) run(args ...string) (string, error) {
	out, err := os.CreateTemp(r.work, "ocrt-output-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.ocrt, append([]string{"--root", r.state}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %s", r.timeout)
	}
	data, _ := os.ReadFile(out.Name())
	return strings.TrimSpace(string(data)), err
}

func (r *runner) cleanup() {
	for _, id := range r.made {
		r.run("delete", "--force", id) //nolint:errcheck // best effort; most are gone already
	}
}

func errString(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

func main() {
	var r runner
	flag.StringVar(&r.ocrt, "ocrt", os.Getenv("OCRT"), "the ocrt binary")
	work := flag.String("work", "", "a private temp dir holding bundle/rootfs")
	flag.StringVar(&r.tag, "tag", fmt.Sprintf("ocrt-test-rtools-%d", os.Getpid()), "unique cgroup name prefix")
	only := flag.String("only", "", "run only the tests whose name contains this")
	skip := flag.String("skip", "", "leave out the tests whose name contains this")
	flag.Parse()
	if r.ocrt == "" || *work == "" {
		fmt.Fprintln(os.Stderr, "usage: rtools-cgroups -ocrt PATH -work DIR [-tag NAME] [-only TEST] [-skip TEST]")
		os.Exit(2)
	}
	r.work = *work
	r.state = filepath.Join(*work, "state")
	r.bundle = filepath.Join(*work, "bundle")
	r.timeout = 20 * time.Second
	if _, err := os.Stat(filepath.Join(r.bundle, "rootfs", "bin", "sleep")); err != nil {
		fmt.Fprintf(os.Stderr, "no busybox rootfs in %q: %v\n", r.bundle, err)
		os.Exit(2)
	}
	r.lib, r.libErr = cgroups.FindCgroup()
	r.host = detectHost(r.tag)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-signals
		r.cleanup()
		os.Exit(1)
	}()
	defer r.cleanup()

	note("runtime-tools cgroups.FindCgroup: %v", describeLib(r.lib, r.libErr))
	for _, t := range allTests() {
		if *only != "" && !strings.Contains(t.name, *only) || *skip != "" && strings.Contains(t.name, *skip) {
			continue
		}
		t.run(&r)
	}

	r.cleanup()
	r.made = nil
	if r.failures > 0 {
		fmt.Printf("FAIL: %s: %d of %d checks failed\n", suiteName, r.failures, r.checks)
		os.Exit(1)
	}
	if r.checks == 0 {
		fmt.Printf("FAIL: %s: no checks ran\n", suiteName)
		os.Exit(1)
	}
	fmt.Printf("PASS: %s: %d checks\n", suiteName, r.checks)
}

func describeLib(cg cgroups.Cgroup, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	if v1, ok := cg.(*cgroups.CgroupV1); ok {
		return fmt.Sprintf("cgroup v1 reader, MountPath %q", v1.MountPath)
	}
	return fmt.Sprintf("%T", cg)
}
