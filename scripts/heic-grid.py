#!/usr/bin/env python3
# Builds a larger HEIC grid from a real HEIC (e.g. ../shared/fixtures/photos/heic-iphone7.heic)
# by adding tile items that point at its existing tiles, for the HEIC decode-memory benchmark:
#   python3 scripts/heic-grid.py <in.heic> <out.heic> <width> <height>
# Write the output outside the repo (or under a git-ignored folder); it is never committed.
import struct,sys
src,dst,W,H=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
d=bytes(open(src,'rb').read())
def children(buf,off,end):
    out=[]
    while off<end:
        size,typ=struct.unpack('>I4s',buf[off:off+8]); out.append([typ,bytearray(buf[off:off+size])]); off+=size
    return out
def box(typ,payload): return struct.pack('>I4s',8+len(payload),typ)+payload
top=children(d,0,len(d))
meta=[b for b in top if b[0]==b'meta'][0][1]
mch=children(meta,12,len(meta)); M={t:b for t,b in mch}
# grid descriptor
idat=M[b'idat']; ow,oh=struct.unpack('>HH',idat[12:16]); tile=512
cols=-(-W//tile); rows=-(-H//tile); N=rows*cols
idat[10]=rows-1; idat[11]=cols-1; idat[12:16]=struct.pack('>HH',W,H)
# iref
iref=M[b'iref']; refs=[]; o=12
while o<len(iref):
    size,typ=struct.unpack('>I4s',iref[o:o+8]); frm,cnt=struct.unpack('>HH',iref[o+8:o+12])
    refs.append([typ,frm,list(struct.unpack('>%dH'%cnt,iref[o+12:o+12+2*cnt]))]); o+=size
dimg=[r for r in refs if r[0]==b'dimg'][0]; base=dimg[2]; grid_id=dimg[1]
# iinf
iinf=M[b'iinf']; iv=iinf[8]; o=12+(2 if iv==0 else 4)
infes=children(iinf,o,len(iinf)); byid={}
for t,b in infes: byid[struct.unpack('>H',b[12:14])[0]]=b
nextid=max(byid)+1; extra=[]
for i in range(len(base),N):
    srcid=base[i%len(base)]; nid=nextid; nextid+=1; extra.append((nid,srcid))
    nb=bytearray(byid[srcid]); nb[12:14]=struct.pack('>H',nid); infes.append([b'infe',nb])
assert nextid<65536
dimg[2]=base+[n for n,_ in extra]
newiinf=box(b'iinf',bytes(iinf[8:12])+(struct.pack('>H',len(infes)) if iv==0 else struct.pack('>I',len(infes)))+b''.join(b for _,b in infes))
newiref=box(b'iref',bytes(iref[8:12])+b''.join(box(t,struct.pack('>HH',f,len(to))+struct.pack('>%dH'%len(to),*to)) for t,f,to in refs))
# ipma
iprp=M[b'iprp']; pch=children(iprp,8,len(iprp)); P={t:b for t,b in pch}
ipco=P[b'ipco']
for t,b in children(ipco,8,len(ipco)):
    if t==b'ispe' and struct.unpack('>II',b[12:20])==(ow,oh): pass
# patch grid ispe in place
o=8
while o<len(ipco):
    size,typ=struct.unpack('>I4s',ipco[o:o+8])
    if typ==b'ispe' and struct.unpack('>II',ipco[o+12:o+20])==(ow,oh): ipco[o+12:o+20]=struct.pack('>II',W,H)
    o+=size
ipma=P[b'ipma']; pv=ipma[8]; pf=int.from_bytes(ipma[9:12],'big'); cnt=struct.unpack('>I',ipma[12:16])[0]; o=16; ents={}; order=[]
for _ in range(cnt):
    if pv<1: iid=struct.unpack('>H',ipma[o:o+2])[0]; o+=2
    else: iid=struct.unpack('>I',ipma[o:o+4])[0]; o+=4
    ac=ipma[o]; asz=2 if pf&1 else 1; e=bytes(ipma[o:o+1+ac*asz]); o+=1+ac*asz; ents[iid]=e; order.append(iid)
def idb(i): return struct.pack('>H',i) if pv<1 else struct.pack('>I',i)
body=b''.join(idb(i)+ents[i] for i in order)+b''.join(idb(n)+ents[s] for n,s in extra)
newipma=box(b'ipma',bytes(ipma[8:12])+struct.pack('>I',len(order)+len(extra))+body)
newiprp=box(b'iprp',b''.join(bytes(b) if t!=b'ipma' else newipma for t,b in pch))
# iloc (rebuild; absolute offsets shifted later)
iloc=M[b'iloc']; v=iloc[8]; o=12; a=iloc[o]; b_=iloc[o+1]; osz,lsz,bsz=a>>4,a&15,b_>>4; isz=(b_&15) if v in (1,2) else 0; o+=2
rd=lambda n,at: int.from_bytes(iloc[at:at+n],'big') if n else 0
if v<2: cnt=rd(2,o); o+=2
else: cnt=rd(4,o); o+=4
items=[]
for _ in range(cnt):
    s0=o; iid=rd(2 if v<2 else 4,o); o+=2 if v<2 else 4
    cm=0
    if v in (1,2): cm=rd(2,o)&15; o+=2
    o+=2; o+=bsz; ec=rd(2,o); o+=2; o+=ec*(isz+osz+lsz)
    items.append([iid,cm,bytearray(iloc[s0:o])])
byitem={i[0]:i for i in items}
for n,s in extra:
    e=bytearray(byitem[s][2]); e[0:(2 if v<2 else 4)]=n.to_bytes(2 if v<2 else 4,'big'); items.append([n,byitem[s][1],e])
def build_iloc(delta):
    out=bytearray()
    for iid,cm,e in items:
        e=bytearray(e)
        if cm==0:
            p=(2 if v<2 else 4)+(2 if v in (1,2) else 0)+2
            if bsz: e[p:p+bsz]=(int.from_bytes(e[p:p+bsz],'big')+delta).to_bytes(bsz,'big')
            p+=bsz; ec=int.from_bytes(e[p:p+2],'big'); p+=2
            for _ in range(ec):
                p+=isz
                if not bsz: e[p:p+osz]=(int.from_bytes(e[p:p+osz],'big')+delta).to_bytes(osz,'big')
                p+=osz+lsz
        out+=e
    return box(b'iloc',bytes(iloc[8:14])+((len(items)).to_bytes(2 if v<2 else 4,'big'))+bytes(out))
def build_meta(delta):
    parts=[]
    for t,b in mch:
        parts.append({b'iinf':newiinf,b'iref':newiref,b'iprp':newiprp,b'iloc':build_iloc(delta)}.get(t,bytes(b)))
    return box(b'meta',bytes(meta[8:12])+b''.join(parts))
delta=len(build_meta(0))-len(meta)
newmeta=build_meta(delta)
out=b''.join(newmeta if t==b'meta' else bytes(b) for t,b in top)
open(dst,'wb').write(out); print('wrote',dst,len(out),'tiles',N,'MP',round(W*H/1e6,1))
