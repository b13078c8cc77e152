from gesprekken_cli.console import main

main()
