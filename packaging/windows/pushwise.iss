; Inno Setup recipe for Pushwise on Windows (not built or tested on this
; project's Linux machines). Build the bundle first on Windows:
;   .venv\Scripts\python packaging\build.py
; then compile this script from the repository root, passing the version:
;   iscc /DAppVersion=0.1.0 packaging\windows\pushwise.iss
; It installs per user (no administrator rights) into
; %LOCALAPPDATA%\Programs\Pushwise, with a Start menu entry, and writes
; dist\pushwise-VERSION-windows-setup.exe.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\pushwise.iss
#endif

[Setup]
AppId={{6F4E9C2A-3B71-4E0D-9A52-8C1D7B2E4F90}
AppName=Pushwise
AppVersion={#AppVersion}
AppPublisher=The Pushwise developers
DefaultDirName={autopf}\Pushwise
DefaultGroupName=Pushwise
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE
SetupIconFile=..\..\resources\icons\pushwise.ico
UninstallDisplayIcon={app}\pushwise-gui.exe
OutputDir=..\..\dist
OutputBaseFilename=pushwise-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\Pushwise\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Pushwise"; Filename: "{app}\pushwise-gui.exe"
Name: "{group}\Uninstall Pushwise"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Pushwise"; Filename: "{app}\pushwise-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\pushwise-gui.exe"; Description: "{cm:LaunchProgram,Pushwise}"; Flags: nowait postinstall skipifsilent
