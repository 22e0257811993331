"""The command line at its edges: a closed pipe, an output that is a file, a single input that
fails whole, nothing left behind when nothing is written (exit codes of design.md section 6)."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from xlprof.cli import main


def _demo_input(folder, clients=12):
    r = CliRunner().invoke(main, ["demo", "-o", str(folder), "--clients", str(clients)])
    assert r.exit_code == 0, r.output
    return folder / "xlprof-demo-input-en.xlsx"


def test_a_closed_pipe_stops_quietly_with_141_not_an_internal_error(tmp_path):
    book = _demo_input(tmp_path / "d", clients=300)    # ~165 kB of CSV: more than a pipe holds
    # a reader that takes one line and closes the pipe, as `| head -1` does
    cmd = (f'"{sys.executable}" -m xlprof score "{book}" --format csv | "{sys.executable}" -c '
           '"import sys; print(sys.stdin.readline().strip())"')
    big = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert big.stdout.startswith("client_id,")
    assert "internal error" not in big.stderr and "Traceback" not in big.stderr, big.stderr
    assert big.returncode == 141, big.stderr       # 128 + SIGPIPE, as Unix tools end (was 70)


def test_output_that_is_a_file_is_exit_4_with_a_message_that_says_so(tmp_path):
    book = _demo_input(tmp_path / "d")
    target = tmp_path / "fake.xlsx"
    target.write_bytes(b"keep me")
    for args in (["generate", str(book), "-o", str(target)], ["demo", "-o", str(target)]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 4, (args, r.output)
        assert "is a file: -o names the folder" in r.stderr
        assert "Traceback" not in r.output
    assert target.read_bytes() == b"keep me"


def test_one_input_whose_split_fails_has_its_own_exit_code_not_the_batch_code(tmp_path):
    book = _demo_input(tmp_path / "d")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(book), "-o", str(out), "--split-by", "nonexistent"])
    assert r.exit_code == 1, r.output
    assert "nonexistent" in r.stderr
    assert not out.exists()          # nothing written: no empty folder left behind


def test_a_missing_input_leaves_no_empty_output_folder(tmp_path):
    out = tmp_path / "o2"
    r = CliRunner().invoke(main, ["generate", str(tmp_path / "nope.xlsx"), "-o", str(out)])
    assert r.exit_code == 3, r.output
    assert not out.exists()


def test_an_existing_output_folder_is_kept_even_when_nothing_is_written(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    r = CliRunner().invoke(main, ["generate", str(tmp_path / "nope.xlsx"), "-o", str(out)])
    assert r.exit_code == 3
    assert out.is_dir()
