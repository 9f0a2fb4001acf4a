//! The action's install step (action/install.sh) and cache key (action/prepare.sh) on a simulated
//! runner. A loopback HTTP server started by the test (`Server`, std only) plays the GitHub
//! release: fake archives whose `goalpost` is a shell script that names its target, and the
//! release's checksum file. A fake `cargo` on PATH stands for the source build: it records its
//! arguments and writes a fake binary. They show that a release ref downloads the right asset for
//! each OS and architecture and checks its SHA-256, that a mismatch fails without a fallback, that
//! a 404 falls back to the source build, that a branch or a SHA goes straight to it, that wget
//! does when curl is missing, and that the binary's directory lands on `GITHUB_PATH`.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use crate::support;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The runners the release has a binary for: `RUNNER_OS`, `RUNNER_ARCH`, target triple.
const PLATFORMS: [(&str, &str, &str); 5] = [
    ("Linux", "X64", "x86_64-unknown-linux-musl"),
    ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
    ("macOS", "X64", "x86_64-apple-darwin"),
    ("macOS", "ARM64", "aarch64-apple-darwin"),
    ("Windows", "X64", "x86_64-pc-windows-msvc"),
];

fn tag() -> String {
    format!("v{VERSION}")
}

fn asset_name(target: &str) -> String {
    let ext = if target.contains("-windows-") {
        "zip"
    } else {
        "tar.gz"
    };
    format!("goalpost-v{VERSION}-{target}.{ext}")
}

fn sums_name() -> String {
    format!("goalpost-v{VERSION}-sha256.txt")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A tiny HTTP/1.1 server on 127.0.0.1: GET of a known path answers 200 with its bytes, anything
/// else 404. It records the request paths, and stops when dropped.
struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(files: HashMap<String, Vec<u8>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (Arc::clone(&requests), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &files, &requests);
                    }
                }
            })
        };
        Server {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}/download", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one connection: reads the request head (bounded in size and time), writes the reply.
fn serve(mut stream: TcpStream, files: &HashMap<String, Vec<u8>>, requests: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (Some(method), Some(path)) = (words.next(), words.next()) else {
        return;
    };
    requests.lock().unwrap().push(path.to_string());
    let (status, body): (&str, &[u8]) = match files.get(path) {
        Some(body) if method == "GET" => ("200 OK", body),
        _ => ("404 Not Found", b"Not Found"),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// A fake release: one archive per target (a `goalpost` script printing its target, and a
/// README) and the checksum file over all of them, as the release workflow writes it.
struct Release {
    files: HashMap<String, Vec<u8>>,
}

impl Release {
    fn new(work: &Path) -> Release {
        let mut files = HashMap::new();
        let mut sums = String::new();
        for (_, _, target) in PLATFORMS {
            let bytes = fake_archive(work, target);
            let asset = asset_name(target);
            sums.push_str(&format!("{}  {asset}\n", sha256_hex(&bytes)));
            files.insert(format!("/download/{}/{asset}", tag()), bytes);
        }
        files.insert(
            format!("/download/{}/{}", tag(), sums_name()),
            sums.into_bytes(),
        );
        Release { files }
    }

    fn sums_path() -> String {
        format!("/download/{}/{}", tag(), sums_name())
    }

    fn asset_path(target: &str) -> String {
        format!("/download/{}/{}", tag(), asset_name(target))
    }

    /// The checksum file with `target`'s line replaced.
    fn with_sum(mut self, target: &str, line: &str) -> Release {
        let sums = String::from_utf8(self.files[&Release::sums_path()].clone()).unwrap();
        let asset = asset_name(target);
        let sums: String = sums
            .lines()
            .map(|l| {
                if l.ends_with(&format!("  {asset}")) {
                    line.to_string()
                } else {
                    l.to_string()
                }
            })
            .filter(|l| !l.is_empty())
            .map(|l| l + "\n")
            .collect();
        self.files.insert(Release::sums_path(), sums.into_bytes());
        self
    }

    fn serve(self) -> Server {
        Server::start(self.files)
    }
}

/// `goalpost-vX-TARGET.tar.gz` (`.zip` for Windows) holding `goalpost-vX-TARGET/goalpost[.exe]`.
fn fake_archive(work: &Path, target: &str) -> Vec<u8> {
    let name = format!("goalpost-v{VERSION}-{target}");
    let dir = work.join("assets").join(target);
    let inner = dir.join(&name);
    std::fs::create_dir_all(&inner).unwrap();
    let exe = if target.contains("-windows-") {
        ".exe"
    } else {
        ""
    };
    write_script(
        &inner.join(format!("goalpost{exe}")),
        &format!("#!/bin/sh\necho \"goalpost {VERSION} (release {target})\"\n"),
    );
    std::fs::write(inner.join("README.md"), "# goalpost\n").unwrap();
    let asset = asset_name(target);
    let mut cmd = if asset.ends_with(".zip") {
        let mut zip = Command::new("zip");
        zip.args(["-qr", &asset, &name]);
        zip
    } else {
        let mut tar = Command::new("tar");
        tar.args(["-czf", &asset, &name]);
        tar
    };
    let out = cmd.current_dir(&dir).output().expect("zip or tar");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.join(&asset)).unwrap()
}

fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The fake source build: `cargo install ... --root ROOT` records its arguments and writes a
/// `goalpost` (`.exe` on Windows) into ROOT/bin that says it was built from source.
const FAKE_CARGO: &str = r#"#!/bin/sh
printf '%s\n' "$*" >>"$FAKE_CARGO_LOG"
root=
while [ $# -gt 0 ]; do
  if [ "$1" = --root ]; then root=$2; fi
  shift
done
exe=
if [ "$RUNNER_OS" = Windows ]; then exe=.exe; fi
mkdir -p "$root/bin"
printf '#!/bin/sh\necho "goalpost (built from source)"\n' >"$root/bin/goalpost$exe"
chmod +x "$root/bin/goalpost$exe"
"#;

/// A runner for the install step: its tool cache, temp directory, `GITHUB_PATH`, the fake cargo.
struct Runner {
    tmp: tempfile::TempDir,
    os: &'static str,
    arch: &'static str,
    env: Vec<(&'static str, String)>,
    /// PATH for the step: the fake cargo's directory first, then the machine's PATH; `tools`
    /// replaces the machine's PATH with links to a few commands.
    tools: Option<Vec<&'static str>>,
    with_cargo: bool,
}

struct InstallRun {
    out: Output,
    log: String,
    root: PathBuf,
}

impl InstallRun {
    fn succeeded(&self) -> bool {
        self.out.status.success()
    }
}

impl Runner {
    fn new(os: &'static str, arch: &'static str) -> Runner {
        let tmp = tempfile::tempdir().expect("tempdir");
        let fake = tmp.path().join("fake-bin");
        std::fs::create_dir_all(&fake).unwrap();
        write_script(&fake.join("cargo"), FAKE_CARGO);
        Runner {
            tmp,
            os,
            arch,
            env: Vec::new(),
            tools: None,
            with_cargo: true,
        }
    }

    fn env(mut self, name: &'static str, value: impl Into<String>) -> Runner {
        self.env.push((name, value.into()));
        self
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("tool-cache/goalpost/key")
    }

    fn cargo_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.tmp.path().join("cargo.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn github_path(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("github-path")).unwrap_or_default()
    }

    /// A directory of links to `names`, found on the machine's PATH (a PATH without curl).
    fn tool_dir(&self, names: &[&str]) -> PathBuf {
        let dir = self.tmp.path().join("tools");
        std::fs::create_dir_all(&dir).unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        for name in names {
            let found = std::env::split_paths(&path)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
                .unwrap_or_else(|| panic!("{name} is not installed"));
            std::os::unix::fs::symlink(found, dir.join(name)).unwrap();
        }
        dir
    }

    fn install(&self) -> InstallRun {
        let tmp = self.tmp.path();
        let system = match &self.tools {
            Some(names) => self.tool_dir(names).display().to_string(),
            None => std::env::var("PATH").unwrap_or_default(),
        };
        let path = if self.with_cargo {
            format!("{}:{system}", tmp.join("fake-bin").display())
        } else {
            system
        };
        let mut cmd = Command::new("/bin/bash");
        cmd.arg(Path::new(ROOT).join("action/install.sh"))
            .current_dir(tmp)
            .env_clear()
            .env("PATH", path)
            .env("HOME", tmp)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_PATH", tmp.join("github-path"))
            .env("GITHUB_OUTPUT", tmp.join("github-output"))
            .env("GOALPOST_ROOT", self.root())
            .env("RUNNER_TEMP", tmp.join("runner-temp"))
            .env("RUNNER_OS", self.os)
            .env("RUNNER_ARCH", self.arch)
            .env("FAKE_CARGO_LOG", tmp.join("cargo.log"));
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        let out = cmd.output().expect("run install.sh");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        InstallRun {
            out,
            log,
            root: self.root(),
        }
    }

    /// What the installed goalpost prints for --version.
    fn installed_version(&self) -> String {
        let exe = if self.os == "Windows" { ".exe" } else { "" };
        let out = Command::new(self.root().join(format!("bin/goalpost{exe}")))
            .arg("--version")
            .output()
            .expect("run the installed goalpost");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[track_caller]
    fn assert_on_github_path(&self) {
        assert_eq!(
            self.github_path(),
            format!("{}\n", self.root().join("bin").display()),
            "the binary's directory is on GITHUB_PATH"
        );
    }
}

fn source_build_args() -> String {
    format!("install --locked --path {ROOT} --root {{root}}")
}

#[track_caller]
fn assert_built_from_source(runner: &Runner, run: &InstallRun) {
    assert!(run.succeeded(), "{}", run.log);
    let expected = source_build_args().replace("{root}", &run.root.display().to_string());
    assert_eq!(runner.cargo_calls(), [expected], "{}", run.log);
    assert_eq!(runner.installed_version(), "goalpost (built from source)");
    runner.assert_on_github_path();
}

#[test]
fn a_release_ref_downloads_and_verifies_the_binary_for_each_runner() {
    for (os, arch, target) in PLATFORMS {
        let runner = Runner::new(os, arch);
        let server = Release::new(runner.tmp.path()).serve();
        let runner = runner
            .env("GITHUB_ACTION_REF", tag())
            .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
        let run = runner.install();
        assert!(run.succeeded(), "{os}/{arch}: {}", run.log);
        assert_eq!(
            server.requests(),
            [Release::sums_path(), Release::asset_path(target)],
            "{os}/{arch}: the checksum file, then the asset for {target}"
        );
        assert_eq!(
            runner.installed_version(),
            format!("goalpost {VERSION} (release {target})")
        );
        assert!(runner.cargo_calls().is_empty(), "{os}/{arch}: no build");
        assert!(
            run.log
                .contains(&format!("matches its SHA-256 in {}", sums_name())),
            "{}",
            run.log
        );
        assert!(
            run.log.contains(&format!(
                "installed the {} release binary ({}/{}/{})",
                tag(),
                server.base_url(),
                tag(),
                asset_name(target)
            )),
            "{}",
            run.log
        );
        runner.assert_on_github_path();
    }
}

#[test]
fn the_ref_from_action_yml_wins_over_the_empty_runner_variable() {
    // In a composite action's steps GITHUB_ACTION_REF is empty; action.yml passes
    // github.action_ref as GOALPOST_ACTION_REF.
    let runner = Runner::new("Linux", "X64");
    let server = Release::new(runner.tmp.path()).serve();
    let runner = runner
        .env("GITHUB_ACTION_REF", "")
        .env("GOALPOST_ACTION_REF", tag())
        .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
    let run = runner.install();
    assert!(run.succeeded(), "{}", run.log);
    assert_eq!(server.requests().len(), 2, "{}", run.log);
    assert!(runner.cargo_calls().is_empty());
    let action = support::read(&Path::new(ROOT).join("action.yml"));
    assert!(action.contains("        GOALPOST_ACTION_REF: ${{ github.action_ref }}\n"));
}

#[test]
fn a_checksum_mismatch_fails_without_a_fallback() {
    let wrong = format!(
        "{}  {}",
        "0".repeat(64),
        asset_name("x86_64-unknown-linux-musl")
    );
    for (case, line) in [("mismatch", wrong.as_str()), ("no line", "")] {
        let runner = Runner::new("Linux", "X64");
        let server = Release::new(runner.tmp.path())
            .with_sum("x86_64-unknown-linux-musl", line)
            .serve();
        let runner = runner
            .env("GITHUB_ACTION_REF", tag())
            .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
        let run = runner.install();
        assert!(!run.succeeded(), "{case}: {}", run.log);
        assert!(run.log.contains("::error title=goalpost::"), "{}", run.log);
        assert!(
            run.log.contains("not installing"),
            "{case}: says it did not install: {}",
            run.log
        );
        assert!(runner.cargo_calls().is_empty(), "{case}: no source build");
        assert!(
            !run.root.join("bin/goalpost").exists(),
            "{case}: nothing installed"
        );
        assert_eq!(runner.github_path(), "", "{case}: nothing on PATH");
    }
}

#[test]
fn a_missing_release_falls_back_to_the_source_build() {
    let runner = Runner::new("Linux", "X64");
    // The release exists without this asset (still being uploaded), or not at all.
    let mut partial = Release::new(runner.tmp.path());
    partial
        .files
        .remove(&Release::asset_path("x86_64-unknown-linux-musl"));
    for server in [partial.serve(), Server::start(HashMap::new())] {
        let runner = Runner::new("Linux", "X64")
            .env("GITHUB_ACTION_REF", tag())
            .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
        let run = runner.install();
        assert_built_from_source(&runner, &run);
        assert!(
            run.log.contains(&format!(
                "::warning title=goalpost::could not download the {} release binary",
                tag()
            )),
            "{}",
            run.log
        );
        assert!(run.log.contains("HTTP 404"), "{}", run.log);
        assert!(
            run.log.contains("building goalpost from source"),
            "{}",
            run.log
        );
    }
}

#[test]
fn an_unreachable_server_falls_back_to_the_source_build() {
    // A port nothing listens on: bound, then closed.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let runner = Runner::new("macOS", "ARM64")
        .env("GITHUB_ACTION_REF", tag())
        .env(
            "GOALPOST_RELEASE_BASE_URL",
            format!("http://{addr}/download"),
        );
    let run = runner.install();
    assert_built_from_source(&runner, &run);
    assert!(run.log.contains("could not download"), "{}", run.log);
}

#[test]
fn a_branch_or_a_sha_builds_from_source_without_downloading() {
    let other_version = "v0.0.0-not-this-one".to_string();
    for reference in [
        "main".to_string(),
        "3864025aa6b7f1b0c2b3e8d5f0a1c2d3e4f5a6b7".to_string(),
        String::new(),
        other_version,
        VERSION.to_string(),
    ] {
        let runner = Runner::new("Linux", "X64");
        let server = Release::new(runner.tmp.path()).serve();
        let runner = runner
            .env("GITHUB_ACTION_REF", reference.clone())
            .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
        let run = runner.install();
        assert_built_from_source(&runner, &run);
        assert!(
            server.requests().is_empty(),
            "{reference:?}: no download: {:?}",
            server.requests()
        );
        assert!(
            run.log
                .contains(&format!("is not the release tag {}", tag())),
            "{reference:?}: {}",
            run.log
        );
    }
}

#[test]
fn a_runner_without_a_release_binary_builds_from_source() {
    for (os, arch) in [("Windows", "ARM64"), ("Linux", "ARM"), ("Linux", "X86")] {
        let runner = Runner::new(os, arch);
        let server = Release::new(runner.tmp.path()).serve();
        let runner = runner
            .env("GITHUB_ACTION_REF", tag())
            .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
        let run = runner.install();
        assert_built_from_source(&runner, &run);
        assert!(server.requests().is_empty());
        assert!(
            run.log.contains("release has no binary for"),
            "{os}/{arch}: {}",
            run.log
        );
    }
}

#[test]
fn a_cached_binary_is_used_as_it_is() {
    let runner = Runner::new("Linux", "X64");
    let server = Release::new(runner.tmp.path()).serve();
    let runner = runner
        .env("GITHUB_ACTION_REF", tag())
        .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
    std::fs::create_dir_all(runner.root().join("bin")).unwrap();
    write_script(
        &runner.root().join("bin/goalpost"),
        "#!/bin/sh\necho goalpost cached\n",
    );
    let run = runner.install();
    assert!(run.succeeded(), "{}", run.log);
    assert!(
        run.log.contains("goalpost is cached: goalpost cached"),
        "{}",
        run.log
    );
    assert!(server.requests().is_empty());
    assert!(runner.cargo_calls().is_empty());
    runner.assert_on_github_path();
}

/// What install.sh and lib.sh run, besides a downloader and cargo.
const TOOLS: [&str; 14] = [
    "bash",
    "sh",
    "awk",
    "cut",
    "tail",
    "tar",
    "gzip",
    "mkdir",
    "rm",
    "mv",
    "chmod",
    "dirname",
    "sha256sum",
    "cat",
];

#[test]
fn wget_downloads_when_curl_is_missing() {
    let mut runner = Runner::new("Linux", "X64");
    let server = Release::new(runner.tmp.path()).serve();
    runner.tools = Some([&TOOLS[..], &["wget"]].concat());
    let runner = runner
        .env("GITHUB_ACTION_REF", tag())
        .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
    let run = runner.install();
    assert!(run.succeeded(), "{}", run.log);
    assert_eq!(
        server.requests(),
        [
            Release::sums_path(),
            Release::asset_path("x86_64-unknown-linux-musl")
        ]
    );
    assert!(runner.cargo_calls().is_empty());
    assert_eq!(
        runner.installed_version(),
        format!("goalpost {VERSION} (release x86_64-unknown-linux-musl)")
    );

    let mut runner = Runner::new("Linux", "X64");
    let empty = Server::start(HashMap::new());
    runner.tools = Some([&TOOLS[..], &["wget"]].concat());
    let runner = runner
        .env("GITHUB_ACTION_REF", tag())
        .env("GOALPOST_RELEASE_BASE_URL", empty.base_url());
    let run = runner.install();
    assert_built_from_source(&runner, &run);
    assert!(run.log.contains("wget failed"), "{}", run.log);
}

#[test]
fn without_a_release_or_cargo_the_step_says_what_to_add() {
    let mut runner = Runner::new("Linux", "X64").env("GITHUB_ACTION_REF", "main");
    runner.tools = Some(TOOLS.to_vec());
    runner.with_cargo = false;
    let run = runner.install();
    assert!(!run.succeeded());
    assert!(
        run.log
            .contains("::error title=goalpost::cargo is not installed on this runner"),
        "{}",
        run.log
    );
}

/// Runs prepare.sh on `action` (an action's root); returns its `key` output.
fn cache_key(action: &Path, tmp: &Path) -> String {
    let output = tmp.join("prepare-output");
    let _ = std::fs::remove_file(&output);
    let out = Command::new("bash")
        .arg(Path::new(ROOT).join("action/prepare.sh"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GITHUB_ACTION_PATH", action)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TOOL_CACHE", tmp.join("tool-cache"))
        .output()
        .expect("run prepare.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs = support::read(&output);
    let key = outputs
        .lines()
        .find_map(|l| l.strip_prefix("key="))
        .expect("a key output")
        .to_string();
    assert!(
        outputs.contains(&format!(
            "root={}",
            tmp.join("tool-cache/goalpost").join(&key).display()
        )),
        "{outputs}"
    );
    key
}

#[test]
fn the_cache_key_follows_what_the_binary_is_built_from_not_the_docs() {
    let tmp = tempfile::tempdir().unwrap();
    let action = tmp.path().join("action-root");
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"goalpost\"\nversion = \"9.8.7\"\n",
        ),
        ("Cargo.lock", "# lock\n"),
        ("src/main.rs", "fn main() {}\n"),
        ("templates/scorecard.md.j2", "# {{ title }}\n"),
        ("specs/goalpost.schema.json", "{}\n"),
        ("examples/starter/goals.yaml", "goals: []\n"),
        (".github/workflows/goalpost.yml", "name: goalpost\n"),
        ("README.md", "# readme\n"),
        ("docs/ci.md", "# ci\n"),
        ("action/install.sh", "# install\n"),
        ("tests/it/main.rs", "// tests\n"),
        ("examples/acme/goals.yaml", "goals: []\n"),
    ];
    for (path, text) in files {
        let path = action.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let first = cache_key(&action, tmp.path());
    assert!(first.starts_with("goalpost-Linux-X64-v9.8.7-"), "{first}");
    assert_eq!(cache_key(&action, tmp.path()), first, "stable");

    for (path, _) in &files[7..] {
        std::fs::write(action.join(path), "changed\n").unwrap();
        assert_eq!(
            cache_key(&action, tmp.path()),
            first,
            "{path} is not a build input"
        );
    }
    let mut seen = vec![first];
    for (path, _) in &files[1..7] {
        std::fs::write(action.join(path), "changed\n").unwrap();
        let key = cache_key(&action, tmp.path());
        assert!(!seen.contains(&key), "{path} changes the key");
        seen.push(key);
    }
    std::fs::rename(action.join("src/main.rs"), action.join("src/lib.rs")).unwrap();
    let key = cache_key(&action, tmp.path());
    assert!(
        !seen.contains(&key),
        "a renamed source file changes the key"
    );
}

#[test]
fn every_embedded_file_is_a_build_input_of_the_cache_key() {
    let lib = support::read(&Path::new(ROOT).join("action/lib.sh"));
    let line = lib
        .lines()
        .find_map(|l| l.strip_prefix("BUILD_INPUTS=("))
        .expect("BUILD_INPUTS in lib.sh");
    let inputs: Vec<&str> = line.trim_end_matches(')').split_whitespace().collect();
    let embedded = support::embedded_files();
    assert!(
        embedded.contains(&".github/workflows/goalpost.yml".to_string()),
        "{embedded:?}"
    );
    for file in embedded {
        // Read by a unit test only (every preset has a section), not by the binary.
        if file == "docs/presets.md" {
            continue;
        }
        assert!(
            inputs
                .iter()
                .any(|i| file == *i || file.starts_with(&format!("{i}/"))),
            "src/ embeds {file}, which the cache key (BUILD_INPUTS in action/lib.sh) does not hash"
        );
    }
}

/// A step's `run:` script in release.yml, found by its job and name.
fn release_step(job: &str, name: &str) -> String {
    let text = support::read(&Path::new(ROOT).join(".github/workflows/release.yml"));
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).expect("release.yml");
    workflow["jobs"][job]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("release.yml has no step {name} in {job}"))
        .to_string()
}

/// A fake 7-Zip for the Windows archive: `7z a -tzip -bso0 NAME.zip DIR` made with zip.
const FAKE_7Z: &str = r#"#!/bin/sh
[ "$1 $2 $3" = "a -tzip -bso0" ] || { echo "fake 7z: unexpected $*" >&2; exit 2; }
exec zip -qr "$4" "$5"
"#;

#[test]
fn the_release_workflow_s_archives_are_what_the_action_installs() {
    let tmp = tempfile::tempdir().unwrap();
    let checkout = tmp.path().join("checkout");
    std::fs::create_dir_all(checkout.join("dist")).unwrap();
    for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        std::fs::copy(Path::new(ROOT).join(file), checkout.join(file)).unwrap();
    }
    let fake = tmp.path().join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    write_script(&fake.join("7z"), FAKE_7Z);
    let path = format!("{}:{}", fake.display(), std::env::var("PATH").unwrap());
    let bash = |script: &str, dir: &Path, target: &str| {
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", script])
            .current_dir(dir)
            .env("PATH", &path)
            .env("TAG", tag())
            .env("TARGET", target)
            .env("RUNNER_TEMP", tmp.path())
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{script}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };

    // The build job's pack step, per target, on a stand-in for cargo's binary.
    let pack = release_step("build", "pack");
    for (_, _, target) in PLATFORMS {
        let exe = if target.contains("-windows-") {
            ".exe"
        } else {
            ""
        };
        let built = checkout.join(format!("target/{target}/release"));
        std::fs::create_dir_all(&built).unwrap();
        write_script(
            &built.join(format!("goalpost{exe}")),
            &format!("#!/bin/sh\necho \"goalpost {VERSION} (built for {target})\"\n"),
        );
        bash(&pack, &checkout, target);
    }
    // The release job's checksums step, over every archive.
    bash(
        &release_step("release", "checksums"),
        &checkout.join("dist"),
        "",
    );

    let mut files = HashMap::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(checkout.join("dist")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        files.insert(
            format!("/download/{}/{name}", tag()),
            std::fs::read(entry.path()).unwrap(),
        );
        names.push(name);
    }
    names.sort();
    let mut expected: Vec<String> = PLATFORMS.iter().map(|p| asset_name(p.2)).collect();
    expected.push(sums_name());
    expected.sort();
    assert_eq!(names, expected, "the release's assets");

    let linux = checkout.join(format!("dist/{}", asset_name("x86_64-unknown-linux-musl")));
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&linux)
        .output()
        .unwrap();
    let mut listing: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(|l| l.trim_end_matches('/').to_string())
        .collect();
    listing.sort();
    let dir = format!("goalpost-v{VERSION}-x86_64-unknown-linux-musl");
    assert_eq!(
        listing,
        [
            dir.clone(),
            format!("{dir}/LICENSE-APACHE"),
            format!("{dir}/LICENSE-MIT"),
            format!("{dir}/README.md"),
            format!("{dir}/goalpost"),
        ]
    );

    let server = Server::start(files);
    for (os, arch, target) in PLATFORMS {
        let runner = Runner::new(os, arch)
            .env("GITHUB_ACTION_REF", tag())
            .env("GOALPOST_RELEASE_BASE_URL", server.base_url());
        let run = runner.install();
        assert!(run.succeeded(), "{os}/{arch}: {}", run.log);
        assert_eq!(
            runner.installed_version(),
            format!("goalpost {VERSION} (built for {target})")
        );
        assert!(runner.cargo_calls().is_empty());
    }
}
