package vaultgen

// Word lists. Every list is a slice (never a map iterated) so that output
// depends only on the seed. Titles are built from enAdj, enNoun, enTech and
// koNoun; broken link targets use brokenLead, which no title uses.

var enAdj = []string{
	"Distributed", "Incremental", "Lazy", "Eager", "Atomic", "Durable", "Consistent",
	"Eventual", "Optimistic", "Pessimistic", "Async", "Parallel", "Concurrent", "Reactive",
	"Immutable", "Persistent", "Volatile", "Shared", "Private", "Public", "Global", "Local",
	"Remote", "Hybrid", "Adaptive", "Dynamic", "Static", "Secure", "Robust", "Minimal",
	"Modular", "Scalable", "Elastic", "Resilient", "Stateless", "Stateful", "Deep", "Shallow",
	"Sparse", "Dense", "Weighted", "Balanced", "Sorted", "Compressed", "Encrypted", "Cached",
	"Virtual", "Physical", "Logical", "Critical", "Daily", "Weekly", "Quarterly", "Annual",
	"Personal", "Team", "Product", "Core", "Legacy", "Modern", "Blue", "Green", "Hot", "Cold",
}

var enNoun = []string{
	"Cache", "Line", "Snapshot", "Recovery", "Disaster", "State", "Management", "Pipeline",
	"Kernel", "Scheduler", "Buffer", "Index", "Query", "Planner", "Router", "Gateway", "Proxy",
	"Cluster", "Node", "Shard", "Replica", "Quorum", "Consensus", "Ledger", "Journal",
	"Checkpoint", "Backup", "Archive", "Schema", "Migration", "Deployment", "Release",
	"Rollback", "Canary", "Metric", "Trace", "Span", "Log", "Alert", "Dashboard", "Incident",
	"Postmortem", "Runbook", "Latency", "Throughput", "Budget", "Capacity", "Quota", "Limit",
	"Token", "Session", "Cookie", "Credential", "Secret", "Policy", "Role", "Permission",
	"Audit", "Compliance", "Risk", "Threat", "Model", "Vector", "Embedding", "Tensor",
	"Gradient", "Optimizer", "Dataset", "Feature", "Label", "Sample", "Batch", "Stream",
	"Queue", "Topic", "Partition", "Offset", "Consumer", "Producer", "Broker", "Event",
	"Handler", "Callback", "Promise", "Future", "Thread", "Process", "Mutex", "Lock",
	"Semaphore", "Channel", "Socket", "Packet", "Frame", "Protocol", "Header", "Payload",
	"Encoding", "Parser", "Lexer", "Compiler", "Linker", "Loader", "Runtime", "Heap", "Stack",
	"Allocator", "Collector", "Pointer", "Reference", "Interface", "Module", "Package",
	"Library", "Plugin", "Extension", "Template", "Component", "Widget", "Layout", "Theme",
	"Font", "Color", "Icon", "Image", "Shader", "Texture", "Mesh", "Camera", "Scene", "Graph",
	"Tree", "Trie", "Map", "Set", "Array", "Matrix", "Filter", "Hash", "Digest", "Signature",
	"Certificate", "Key", "Cipher", "Entropy", "Clock", "Timer", "Calendar", "Schedule",
	"Sprint", "Backlog", "Roadmap", "Milestone", "Review", "Decision", "Proposal", "Meeting",
	"Retrospective", "Onboarding", "Hiring", "Interview", "Invoice", "Contract", "Vendor",
	"Customer", "Support", "Ticket", "Feedback", "Survey", "Experiment", "Hypothesis",
	"Insight", "Strategy", "Vision", "Mission", "Goal", "Habit", "Reading", "Summary",
	"Outline", "Essay", "Thesis", "Citation", "Source", "Glossary", "Design", "Architecture",
	"Protocol Buffer", "Garbage", "Memory", "Storage", "Network", "Server", "Client", "Request",
	"Response", "Pattern", "Practice", "Principle", "Workflow", "Write-Ahead", "Copy-on-Write",
	"Fan-Out", "On-Call", "Follow-Up", "Read-Through", "Look-Aside",
}

var enTech = []string{
	"V8", "Redis", "Kafka", "PostgreSQL", "SQLite", "Kubernetes", "Docker", "Linux",
	"WebAssembly", "GraphQL", "gRPC", "OAuth", "TLS", "DNS", "HTTP", "React", "Svelte",
	"Rust", "Go", "Python", "Git", "Nginx", "Envoy", "Terraform", "Ansible", "Prometheus",
	"Grafana", "Elasticsearch", "Lucene", "Spark", "Flink", "Airflow", "Jupyter", "PyTorch",
	"CUDA", "LLVM", "WASI", "QUIC", "BGP", "ZFS", "Btrfs", "S3", "EC2", "IPv6", "JVM", "BEAM",
}

var koNoun = []string{
	"상태", "관리", "배포", "복구", "재해", "캐시", "스냅샷", "백업", "장애", "대응", "모니터링",
	"로그", "지표", "경보", "성능", "최적화", "설계", "구조", "아키텍처", "데이터", "모델", "학습",
	"추론", "검색", "색인", "질의", "계획", "일정", "회의", "회고", "목표", "전략", "보안", "인증",
	"권한", "암호화", "네트워크", "서버", "클라이언트", "저장소", "파일", "시스템", "커널", "메모리",
	"스레드", "프로세스", "큐", "스트림", "이벤트", "메시지", "프로토콜", "패킷", "버퍼", "압축",
	"인코딩", "파서", "컴파일러", "런타임", "가비지", "수집", "힙", "스택", "포인터", "인터페이스",
	"모듈", "패키지", "라이브러리", "플러그인", "확장", "템플릿", "컴포넌트", "레이아웃", "테마",
	"색상", "이미지", "렌더링", "그래프", "트리", "배열", "행렬", "필터", "해시", "서명", "인증서",
	"엔트로피", "난수", "시계", "타이머", "일지", "독서", "메모", "요약", "개요", "논문", "인용",
	"출처", "용어", "실험", "가설", "통찰", "비전", "습관", "건강", "운동", "요리", "여행", "예산",
	"계약", "고객", "지원", "피드백", "설문", "채용", "면접", "온보딩", "문서", "위키", "링크",
	"노트", "태그", "폴더", "동기화", "버전", "변경", "이력", "검토", "승인", "품질", "테스트",
	"자동화", "파이프라인", "빌드", "릴리스", "롤백", "분산", "합의", "복제", "샤드", "파티션",
	"지연", "처리량", "용량", "할당량", "세션", "토큰", "정책", "감사", "위험", "위협", "사고",
	"분석", "보고서", "대시보드", "알림", "장부", "원칙", "패턴", "흐름", "요청", "응답",
}

// translations pair an English title word with a Korean one; a title made
// only of such words gets the translated title as an alias.
var translations = [][2]string{
	{"State", "상태"}, {"Management", "관리"}, {"Deployment", "배포"}, {"Recovery", "복구"},
	{"Disaster", "재해"}, {"Cache", "캐시"}, {"Snapshot", "스냅샷"}, {"Backup", "백업"},
	{"Log", "로그"}, {"Metric", "지표"}, {"Alert", "경보"}, {"Design", "설계"},
	{"Model", "모델"}, {"Schedule", "일정"}, {"Meeting", "회의"}, {"Goal", "목표"},
	{"Strategy", "전략"}, {"Policy", "정책"}, {"Audit", "감사"}, {"Risk", "위험"},
	{"Threat", "위협"}, {"Incident", "사고"}, {"Dashboard", "대시보드"}, {"Token", "토큰"},
	{"Session", "세션"}, {"Queue", "큐"}, {"Stream", "스트림"}, {"Event", "이벤트"},
	{"Protocol", "프로토콜"}, {"Buffer", "버퍼"}, {"Parser", "파서"}, {"Compiler", "컴파일러"},
	{"Runtime", "런타임"}, {"Heap", "힙"}, {"Stack", "스택"}, {"Module", "모듈"},
	{"Package", "패키지"}, {"Library", "라이브러리"}, {"Plugin", "플러그인"}, {"Template", "템플릿"},
	{"Component", "컴포넌트"}, {"Layout", "레이아웃"}, {"Theme", "테마"}, {"Graph", "그래프"},
	{"Tree", "트리"}, {"Filter", "필터"}, {"Hash", "해시"}, {"Signature", "서명"},
	{"Certificate", "인증서"}, {"Summary", "요약"}, {"Experiment", "실험"}, {"Hypothesis", "가설"},
	{"Habit", "습관"}, {"Budget", "예산"}, {"Contract", "계약"}, {"Customer", "고객"},
	{"Feedback", "피드백"}, {"Survey", "설문"}, {"Review", "검토"}, {"Release", "릴리스"},
	{"Rollback", "롤백"}, {"Latency", "지연"}, {"Capacity", "용량"}, {"Quota", "할당량"},
	{"Partition", "파티션"}, {"Memory", "메모리"}, {"Storage", "저장소"}, {"Network", "네트워크"},
	{"Server", "서버"}, {"Client", "클라이언트"}, {"Request", "요청"}, {"Response", "응답"},
	{"Pattern", "패턴"}, {"Principle", "원칙"}, {"Architecture", "아키텍처"}, {"Ledger", "장부"},
	{"Distributed", "분산"}, {"Daily", "일일"}, {"Weekly", "주간"}, {"Personal", "개인"},
	{"Secure", "보안"}, {"Index", "색인"}, {"Query", "질의"}, {"Kernel", "커널"},
}

// brokenLead starts every planted broken target; no title contains these words.
var brokenLead = []string{"Nonexistent", "Missing", "Unwritten", "Phantom", "Imaginary", "없는", "미작성", "가상의"}

var headingWords = []string{
	"Overview", "Background", "Motivation", "Design", "Implementation", "Trade-offs",
	"Open Questions", "References", "Examples", "Checklist", "Timeline", "Risks",
	"Alternatives", "Glossary", "Notes", "Summary", "Details", "Lessons Learned",
	"Next Steps", "Failure Modes", "Metrics", "Rollout Plan", "개요", "배경", "동기", "설계 원칙",
	"구현 세부", "대안", "참고 자료", "예시", "점검 목록", "일정표", "위험 요소", "용어 정리",
	"요약", "상세 내용", "배운 점", "다음 단계", "실패 사례", "측정 지표", "적용 계획", "회고 메모",
}

var folderTop = []string{
	"Projects", "Areas", "Resources", "Archive", "Journal", "Knowledge Base", "개념", "업무",
	"독서 노트", "Engineering", "Research", "개인",
}

var folderMid = []string{
	"Alpha", "Beta", "Gamma", "Platform", "Backend", "Frontend", "Data", "Infra", "Security",
	"ML", "Ops", "Mobile", "Search", "Billing", "Growth", "2024", "2025", "인프라", "데이터",
	"보안", "회의록", "운영", "연구", "제품", "Side Projects", "Reading List",
}

var folderLeaf = []string{
	"Notes", "Logs", "Drafts", "Meetings", "Specs", "Ideas", "참고", "초안", "기록", "정리",
	"Inbox", "Weekly Review",
}

var tagWords = []string{
	"ops", "infra", "ml", "backend", "frontend", "reading", "meeting", "idea", "howto",
	"reference", "incident", "design", "people", "research", "security", "운영", "개발", "메모",
}

var statuses = []string{"draft", "review", "stable", "archived", "seedling", "evergreen"}

var enVerb = []string{
	"improves", "replaces", "depends on", "extends", "simplifies", "documents", "breaks",
	"protects", "duplicates", "summarizes", "feeds", "observes", "schedules", "limits",
	"shapes", "drives", "reuses", "invalidates", "splits", "merges",
}

var enAdv = []string{
	"quietly", "quickly", "rarely", "often", "usually", "carefully", "eventually",
	"sometimes", "predictably", "surprisingly",
}

var enLinkPhrase = [][2]string{
	{"See ", "."}, {"This builds on ", "."}, {"Compare with ", "."}, {"Details live in ", "."},
	{"Related: ", "."}, {"Background in ", "."}, {"The decision is recorded in ", "."},
	{"Also read ", " before changing anything."}, {"Follow up in ", "."},
}

var koLinkPhrase = [][2]string{
	{"", " 문서를 참고한다."}, {"자세한 내용은 ", "에 정리되어 있다."}, {"관련 노트: ", "."},
	{"배경은 ", " 참고."}, {"", "와 함께 읽으면 좋다."}, {"결정 사항은 ", "에 남겼다."},
	{"다음 단계는 ", "에서 이어진다."},
}

var koVerb = []string{
	"관리한다", "개선한다", "설명한다", "기록한다", "검토했다", "대체할 수 있다", "필요로 한다",
	"지원한다", "제한한다", "단순하게 만든다", "보호한다", "측정한다", "분리한다", "통합한다",
}

var koAdjPred = []string{
	"중요하다", "느리다", "복잡하다", "안정적이다", "아직 실험적이다", "자주 바뀐다", "예측 가능하다",
	"생각보다 단순하다", "문서화가 부족하다",
}

var codeLangs = []string{"go", "python", "bash", "yaml", "json", "sql", "text", ""}

var codeLines = []string{
	"for i := range items {", "    process(items[i])", "}", "def handler(event):",
	"    return event.get(\"id\")", "kubectl rollout status deploy/api", "SELECT id, title FROM notes;",
	"retries: 3", "timeout: 30s", "{\"enabled\": true}", "x = compute(a, b)", "echo done",
	"if err != nil {", "    return err", "make build && make test", "git log --oneline -5",
}

var callouts = []string{"note", "tip", "warning", "info", "todo", "quote"}
