package main

// commands is the table of contents of the command line.
func commands() []command {
	return []command{
		buildCommand,
		checkCommand,
		configCommand,
		dkimRecordCommand,
		initCommand,
		issuesCommand,
		migrateCommand,
		previewCommand,
		scheduleCommand,
		sendCommand,
		serveCommand,
		subscribersCommand,
		versionCommand,
	}
}
