"""The package's own suite runs against the installed wheel; `pytester`
runs small pytest sessions in subprocesses to test the plugin itself."""

pytest_plugins = ["pytester"]
