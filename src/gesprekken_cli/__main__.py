from gesprekken_cli.cli import main

main()
