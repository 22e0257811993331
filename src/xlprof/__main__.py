from xlprof.cli import main

main(prog_name="xlprof")
