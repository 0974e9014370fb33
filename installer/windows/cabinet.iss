; Inno Setup script: installs Cabinet's one-folder bundle for every user of the machine, in
; Program Files, which only an administrator can write to (the installer asks for elevation).
; UNTESTED here (no Windows machine): see installer/README.md, "Windows", for the build and
; the code-signing steps that come before this script.
;
;   iscc /DAppVersion=0.1.0 /Ssigntool="signtool sign /fd sha256 /td sha256 /tr $qTSA-URL$q /sha1 THUMBPRINT $f" installer\windows\cabinet.iss
;
; dist\cabinet must already hold the signed executables and the signed manifest.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; Never change AppId: it is how Windows knows an upgrade from another application.
AppId={{ED777A1C-4B23-4EFC-9CB5-0578E15EA008}
AppName=Cabinet
AppVersion={#AppVersion}
AppVerName=Cabinet {#AppVersion}
DefaultDirName={autopf}\Cabinet
DefaultGroupName=Cabinet
DisableProgramGroupPage=yes
DisableDirPage=yes
; Per-machine install: administrator rights, no per-user fallback.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=Cabinet-{#AppVersion}-installation
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
UninstallDisplayIcon={app}\programme\cabinetw.exe
UninstallDisplayName=Cabinet
; The bundle goes into {app}\programme, the uninstaller stays in {app}: the integrity guard
; refuses any file its signed manifest does not list, inside the bundle's folder.
UninstallFilesDir={app}
; The installer and the uninstaller are Authenticode-signed with the publisher's EV
; certificate through the "signtool" command given to iscc with /S.
SignTool=signtool
SignedUninstaller=yes

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
; Messages from French.isl: the script itself stays ASCII, whatever the compiler's encoding.
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: a file left over from the previous version would be
; a file the new signed manifest does not list, and the integrity guard would refuse to start.
Type: filesandordirs; Name: "{app}\programme"

[Files]
Source: "dist\cabinet\*"; DestDir: "{app}\programme"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Cabinet"; Filename: "{app}\programme\cabinetw.exe"
Name: "{autodesktop}\Cabinet"; Filename: "{app}\programme\cabinetw.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\programme\cabinetw.exe"; Description: "{cm:LaunchProgram,Cabinet}"; Flags: nowait postinstall skipifsilent

; The vault and the logs live in each user's own folder (%LOCALAPPDATA%\Cabinet): the
; uninstaller never touches them.
