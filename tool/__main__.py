from tool.launch import main

main()
