"""Fields of machine learning: the default set, and which projects belong to which category.

Membership: a project is in a category when it carries one of the category's topics, or an
editor put it there (``CategoryOverride.member``); an editor's "not in it" wins over topics.
"""

from django.db import transaction
from django.db.models import BooleanField, Value
from django.utils.text import slugify

from .models import Category, CategoryOverride, Project, Topic

# Created once by ``seed``; editors change them in admin and a later seed leaves them alone.
DEFAULT_CATEGORIES = [
    {
        "slug": "computer-vision",
        "name_en": "Computer vision",
        "name_zh": "计算机视觉",
        "description_en": "Detection, segmentation, tracking, recognition and 3D vision.",
        "description_zh": "目标检测、图像分割、跟踪、识别与三维视觉。",
        "topics": [
            "computer-vision",
            "object-detection",
            "image-segmentation",
            "instance-segmentation",
            "semantic-segmentation",
            "image-classification",
            "yolo",
            "pose-estimation",
            "object-tracking",
            "face-recognition",
            "ocr",
            "3d-reconstruction",
            "opencv",
        ],
    },
    {
        "slug": "language-models",
        "name_en": "Language models",
        "name_zh": "大语言模型",
        "description_en": "Large language models: training, fine-tuning, inference and serving.",
        "description_zh": "大语言模型的训练、微调、推理与部署。",
        "topics": [
            "llm",
            "large-language-models",
            "language-model",
            "gpt",
            "llama",
            "transformers",
            "fine-tuning",
            "lora",
            "rag",
            "retrieval-augmented-generation",
            "llm-inference",
            "chatgpt",
        ],
    },
    {
        "slug": "nlp",
        "name_en": "Natural language processing",
        "name_zh": "自然语言处理",
        "description_en": "Text classification, translation, information extraction, embeddings.",
        "description_zh": "文本分类、机器翻译、信息抽取与文本向量。",
        "topics": [
            "nlp",
            "natural-language-processing",
            "text-classification",
            "machine-translation",
            "named-entity-recognition",
            "sentiment-analysis",
            "embeddings",
            "word-embeddings",
            "bert",
            "tokenizer",
        ],
    },
    {
        "slug": "speech-audio",
        "name_en": "Speech and audio",
        "name_zh": "语音与音频",
        "description_en": "Speech recognition and synthesis, music and audio models.",
        "description_zh": "语音识别与合成、音乐和音频模型。",
        "topics": [
            "speech-recognition",
            "speech-synthesis",
            "text-to-speech",
            "tts",
            "asr",
            "speech",
            "audio",
            "whisper",
            "voice-cloning",
            "music-generation",
        ],
    },
    {
        "slug": "reinforcement-learning",
        "name_en": "Reinforcement learning and robotics",
        "name_zh": "强化学习与机器人",
        "description_en": "Agents that learn by acting, simulators, control and robot learning.",
        "description_zh": "在行动中学习的智能体、仿真环境、控制与机器人学习。",
        "topics": [
            "reinforcement-learning",
            "deep-reinforcement-learning",
            "rl",
            "robotics",
            "robot-learning",
            "continuous-control",
            "simulation",
            "gym",
            "multi-agent-reinforcement-learning",
            "imitation-learning",
        ],
    },
    {
        "slug": "generative-media",
        "name_en": "Image and video generation",
        "name_zh": "图像与视频生成",
        "description_en": "Diffusion models, GANs, text-to-image and text-to-video.",
        "description_zh": "扩散模型、生成对抗网络、文生图与文生视频。",
        "topics": [
            "diffusion-models",
            "stable-diffusion",
            "text-to-image",
            "text-to-video",
            "image-generation",
            "video-generation",
            "gan",
            "generative-adversarial-network",
            "deepfakes",
            "face-swap",
            "style-transfer",
        ],
    },
    {
        "slug": "agents",
        "name_en": "Agents",
        "name_zh": "智能体",
        "description_en": "LLM agents, tool use, multi-agent frameworks and autonomous assistants.",
        "description_zh": "大模型智能体、工具调用、多智能体框架与自主助手。",
        "topics": ["ai-agents", "agents", "llm-agent", "autonomous-agents", "multi-agent", "agent", "mcp", "tool-use"],
    },
    {
        "slug": "ml-infrastructure",
        "name_en": "ML infrastructure and MLOps",
        "name_zh": "机器学习基础设施与 MLOps",
        "description_en": "Training at scale, serving, experiment tracking, compilers and data pipelines.",
        "description_zh": "大规模训练、模型部署、实验跟踪、编译器与数据流水线。",
        "topics": [
            "mlops",
            "machine-learning-infrastructure",
            "model-serving",
            "inference",
            "distributed-training",
            "deep-learning-framework",
            "gpu",
            "cuda",
            "experiment-tracking",
            "feature-store",
            "memory-efficiency",
            "training",
            "quantization",
        ],
    },
    {
        "slug": "tabular-classic-ml",
        "name_en": "Tabular and classic ML",
        "name_zh": "表格数据与经典机器学习",
        "description_en": "Gradient boosting, scikit-learn style models, time series and AutoML.",
        "description_zh": "梯度提升、scikit-learn 类模型、时间序列与自动机器学习。",
        "topics": [
            "scikit-learn",
            "xgboost",
            "lightgbm",
            "gradient-boosting",
            "tabular-data",
            "time-series",
            "forecasting",
            "automl",
            "anomaly-detection",
            "recommender-system",
        ],
    },
    {
        "slug": "interpretability",
        "name_en": "Interpretability and safety",
        "name_zh": "可解释性与安全",
        "description_en": "Explaining models, fairness, robustness and evaluation.",
        "description_zh": "模型解释、公平性、鲁棒性与评测。",
        "topics": [
            "explainability",
            "interpretability",
            "explainable-ai",
            "xai",
            "fairness",
            "adversarial-attacks",
            "ai-safety",
            "evaluation",
        ],
    },
]


@transaction.atomic
def categories_ensure_defaults(defaults=None) -> list[str]:
    """Create the default categories that do not exist yet (with their topics); never changes existing ones.

    Returns the slugs created. A category an editor renamed, re-mapped or deactivated keeps
    the editor's version; a deleted default comes back, as the default schedules do.
    """
    created = []
    existing = set(Category.objects.values_list("slug", flat=True))
    for position, entry in enumerate(DEFAULT_CATEGORIES if defaults is None else defaults):
        if entry["slug"] in existing:
            continue
        category = Category(
            slug=entry["slug"],
            name_en=entry["name_en"],
            name_zh=entry["name_zh"],
            description_en=entry.get("description_en", ""),
            description_zh=entry.get("description_zh", ""),
            position=position,
        )
        category.full_clean()
        category.save()
        slugs = {slugify(topic)[:60]: topic for topic in entry["topics"]}
        Topic.objects.bulk_create([Topic(slug=s, name=n) for s, n in slugs.items()], ignore_conflicts=True)
        category.topics.set(Topic.objects.filter(slug__in=list(slugs)))
        created.append(category.slug)
    return created


def category_memberships(*, project_ids=None) -> dict[int, set[int]]:
    """Project id -> ids of the active categories it belongs to, topics and overrides together (one query)."""
    by_topic = Project.objects.filter(topics__categories__active=True, topics__categories__isnull=False).values_list(
        "pk", "topics__categories", Value(True, output_field=BooleanField())
    )
    overrides = CategoryOverride.objects.filter(category__active=True)
    overrides = overrides.values_list("project_id", "category_id", "member")
    if project_ids is not None:
        by_topic = by_topic.filter(pk__in=project_ids)
        overrides = overrides.filter(project_id__in=project_ids)
    # The union keeps overrides apart from topic rows by their third column; rows then merge here.
    members: dict[int, set[int]] = {}
    removed: set[tuple[int, int]] = set()
    for project_id, category_id, member in by_topic.order_by().union(overrides.order_by(), all=True):
        if member:
            members.setdefault(project_id, set()).add(category_id)
        else:
            removed.add((project_id, category_id))
    for project_id, category_id in removed:
        members.get(project_id, set()).discard(category_id)
    return {pid: cats for pid, cats in members.items() if cats}


def project_categories(project: Project) -> list[Category]:
    """The active categories a project belongs to, in list order (two queries)."""
    ids = category_memberships(project_ids=[project.pk]).get(project.pk, set())
    return list(Category.objects.filter(pk__in=ids))
